/**
 * The politeness frontier: per (probe, target) pace ledger, bounded per-target queues with an interactive lane
 * ahead of round-robin bulk lanes, admission by estimated wait, and the pace learned from throttles (AIMD).
 * See docs/SCHEDULING.md.
 */
@NullMarked
package dev.dragnet.server.schedule;

import org.jspecify.annotations.NullMarked;
