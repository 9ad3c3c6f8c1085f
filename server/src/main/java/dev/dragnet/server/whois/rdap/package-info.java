/**
 * Which TLDs answer RDAP, and where: the IANA DNS bootstrap registry (RFC 9224), bundled as a snapshot and
 * refreshed in the background by its HTTP cache lifetime ({@link dev.dragnet.server.whois.rdap.RdapBootstrap}).
 */
@NullMarked
package dev.dragnet.server.whois.rdap;

import org.jspecify.annotations.NullMarked;
