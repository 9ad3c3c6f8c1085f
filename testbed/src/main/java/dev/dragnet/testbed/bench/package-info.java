/**
 * Benchmarks that run Dragnet's built jars (the server and real probe agents, each its own process) against
 * the testbed's fakes, and print each figure beside the bound it is measured against. Started through
 * {@link dev.dragnet.testbed.bench.BenchMain} ({@code java -jar testbed/target/dragnet-testbed.jar}).
 */
@NullMarked
package dev.dragnet.testbed.bench;

import org.jspecify.annotations.NullMarked;
