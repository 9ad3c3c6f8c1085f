/**
 * A fake SOCKS5 proxy (RFC 1928, with RFC 1929 user name and password) on loopback, for tests of clients that go
 * through one.
 */
@NullMarked
package dev.dragnet.testbed.socks;

import org.jspecify.annotations.NullMarked;
