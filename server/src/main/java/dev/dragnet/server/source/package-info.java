/** Reverse-IP source definitions: stored, managed through {@code /api/sources}, and sent to probes. */
@NullMarked
package dev.dragnet.server.source;

import org.jspecify.annotations.NullMarked;
