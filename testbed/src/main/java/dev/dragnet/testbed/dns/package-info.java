/**
 * A fake DNS server on loopback for tests and benchmarks.
 *
 * <p>{@link dev.dragnet.testbed.dns.FakeDnsServer} answers PTR and A queries over UDP from a
 * {@link dev.dragnet.testbed.reverseip.ReverseIpWorld}, so PTR lookups and forward confirmation can be tested against
 * the same ground truth the fake reverse-IP sites serve.
 */
@NullMarked
package dev.dragnet.testbed.dns;

import org.jspecify.annotations.NullMarked;
