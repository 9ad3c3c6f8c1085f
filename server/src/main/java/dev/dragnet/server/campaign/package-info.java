/**
 * Reverse-IP campaigns: address ranges cut into work blocks, their control (start, pause, resume, cancel)
 * and progress. See {@code docs/CAMPAIGNS.md}.
 */
@NullMarked
package dev.dragnet.server.campaign;

import org.jspecify.annotations.NullMarked;
