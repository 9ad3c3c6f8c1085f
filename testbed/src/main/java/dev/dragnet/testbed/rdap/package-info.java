/**
 * A fake RDAP server (RFC 7480-7484, 9082/9083) on loopback for tests and benchmarks.
 *
 * <p>{@link dev.dragnet.testbed.rdap.FakeRdapServer} answers HTTP GETs by path with a scripted
 * {@link dev.dragnet.testbed.rdap.RdapBehaviour}: RDAP JSON, a 404, a 429 with {@code Retry-After}, a redirect,
 * latency, silence or an endless body. {@link dev.dragnet.testbed.rdap.RdapDocuments} builds realistic thin-registry
 * and registrar answers, and the fake can serve an IANA-style bootstrap file.
 */
@NullMarked
package dev.dragnet.testbed.rdap;

import org.jspecify.annotations.NullMarked;
