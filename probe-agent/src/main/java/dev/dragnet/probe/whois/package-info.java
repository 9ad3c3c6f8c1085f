/**
 * WHOIS over TCP port 43 (RFC 3912) with a deadline, a byte cap, charset detection and a policy that keeps
 * queries off private and loopback networks.
 */
@NullMarked
package dev.dragnet.probe.whois;

import org.jspecify.annotations.NullMarked;
