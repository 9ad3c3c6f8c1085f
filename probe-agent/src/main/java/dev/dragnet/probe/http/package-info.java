/**
 * HTTP pieces both the RDAP client and the reverse-IP source runner use: the guarded transport
 * ({@link dev.dragnet.probe.http.GuardedHttp}), the capped buffer, {@code Retry-After}.
 */
@NullMarked
package dev.dragnet.probe.http;

import org.jspecify.annotations.NullMarked;
