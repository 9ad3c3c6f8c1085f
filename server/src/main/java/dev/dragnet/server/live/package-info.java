/**
 * The live status page: {@code /} (static, no build step, no internet) fed by {@code GET /api/events}.
 */
@NullMarked
package dev.dragnet.server.live;

import org.jspecify.annotations.NullMarked;
