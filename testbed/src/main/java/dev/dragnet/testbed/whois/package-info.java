/**
 * A fake WHOIS server (RFC 3912) on loopback for tests and benchmarks.
 *
 * <p>{@link dev.dragnet.testbed.whois.FakeWhoisServer} answers one query line per connection with a scripted
 * {@link dev.dragnet.testbed.whois.WhoisBehaviour}: a text in some charset, binary garbage, latency, silence, an early
 * close, an endless stream or a slow drip.
 */
@NullMarked
package dev.dragnet.testbed.whois;

import org.jspecify.annotations.NullMarked;
