/**
 * Probe sessions: the WebSocket endpoint, each session's credits and in-flight tasks, liveness by ping,
 * the registry of effective probes, and the persisted probe rows.
 */
@NullMarked
package dev.dragnet.server.probe;

import org.jspecify.annotations.NullMarked;
