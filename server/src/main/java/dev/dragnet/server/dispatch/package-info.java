/**
 * Dispatch: the single entry point of probe work. Coalesce identical lookups in flight, wait for a turn in
 * the politeness frontier ({@code dev.dragnet.server.schedule}), send the task, wait for the result with a
 * per-attempt deadline, and retry elsewhere when an attempt times out, fails or loses its probe.
 */
@NullMarked
package dev.dragnet.server.dispatch;

import org.jspecify.annotations.NullMarked;
