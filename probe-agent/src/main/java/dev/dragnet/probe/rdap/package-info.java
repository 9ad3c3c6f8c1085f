/**
 * RDAP over HTTP(S) (RFC 7480-7484, 9082/9083): one registry answer and, for thin registries, the registrar's
 * {@code related} record, with deadlines, byte caps, bounded redirects, per-host pacing and the probe's address
 * policy.
 */
@NullMarked
package dev.dragnet.probe.rdap;

import org.jspecify.annotations.NullMarked;
