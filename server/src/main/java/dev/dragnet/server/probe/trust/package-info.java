/**
 * Checks on what probes answer: spot checks ask a second (and, on disagreement, a third) probe the same question and
 * report the probe whose answer stands alone to {@link dev.dragnet.server.probe.ProbeTrust}.
 */
@NullMarked
package dev.dragnet.server.probe.trust;

import org.jspecify.annotations.NullMarked;
