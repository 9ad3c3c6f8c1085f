/**
 * The probe agent: one WebSocket session to the Dragnet server, tasks run from this machine's address.
 *
 * <p>{@link dev.dragnet.probe.ProbeAgentMain} is the command line entry point, {@link dev.dragnet.probe.ProbeAgent}
 * the agent itself (usable in-JVM from tests), {@link dev.dragnet.probe.ProbeConfig} its settings.
 */
@NullMarked
package dev.dragnet.probe;

import org.jspecify.annotations.NullMarked;
