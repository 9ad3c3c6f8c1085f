/**
 * Many simulated probes in one process, each a real WebSocket session speaking the probe protocol: for benchmarks
 * and tests of what a large fleet costs the server and its status page.
 */
@NullMarked
package dev.dragnet.testbed.swarm;

import org.jspecify.annotations.NullMarked;
