/**
 * The content side of WHOIS and RDAP: turning an answer's text into fields ({@link WhoisParser},
 * {@link RdapParser}), telling data from "not found", throttling and empty answers
 * ({@link WhoisResponseClassifier}), and finding where a thin registry or an RIR refers the query onward
 * ({@link ReferralFinder}). Everything here is pure and non-blocking, safe to call on an event loop; the one
 * controller, {@code POST /api/whois/parse}, parses text a caller already has.
 */
@NullMarked
package dev.dragnet.server.whois.parse;

import org.jspecify.annotations.NullMarked;
