/**
 * Dispatch: choose a probe with free credit, send it a task, wait for the result with a per-attempt
 * deadline, and retry elsewhere when an attempt times out, fails or loses its probe.
 */
@NullMarked
package dev.dragnet.server.dispatch;

import org.jspecify.annotations.NullMarked;
