/**
 * Per-host pacing of the probe's own requests ({@link dev.dragnet.probe.pace.HostPacer}): at most so many open at
 * once and a least interval between starts, so that one source address stays under a server's limits.
 */
@NullMarked
package dev.dragnet.probe.pace;

import org.jspecify.annotations.NullMarked;
