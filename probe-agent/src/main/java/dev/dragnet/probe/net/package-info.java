/**
 * Name resolution for every outward call of the probe (WHOIS, RDAP, reverse-IP sites): non-blocking, so that the
 * address policy sees every address before anything is contacted.
 */
@NullMarked
package dev.dragnet.probe.net;

import org.jspecify.annotations.NullMarked;
