/**
 * Fake reverse-IP sites on loopback for tests and benchmarks, all serving one seeded ground truth.
 *
 * <p>{@link dev.dragnet.testbed.reverseip.ReverseIpWorld} says, for any IPv4 address, which domains are hosted there,
 * which addresses a domain resolves to and what an address's PTR name is, without storing the address space. The six
 * sites imitate the source families of {@code REVERSE-IP-NOTES.md}:
 * {@link dev.dragnet.testbed.reverseip.PlainTextSite} (plain-text API),
 * {@link dev.dragnet.testbed.reverseip.FormJsonSite} (form POST answered with JSON),
 * {@link dev.dragnet.testbed.reverseip.PagedTableSite} (paginated HTML table),
 * {@link dev.dragnet.testbed.reverseip.ChineseListSite} (ip138-style list),
 * {@link dev.dragnet.testbed.reverseip.SearchResultsSite} (search-engine {@code ip:} results) and
 * {@link dev.dragnet.testbed.reverseip.PassiveDnsSite} (a keyed passive-DNS service streaming NDJSON). Each counts requests per
 * client address and can be switched into the blocking behaviours B1-B10 of the notes with
 * {@link dev.dragnet.testbed.reverseip.FakeSite#quota}, {@link dev.dragnet.testbed.reverseip.FakeSite#behaviour} and
 * {@link dev.dragnet.testbed.reverseip.FakeSite#layoutVersion}.
 */
@NullMarked
package dev.dragnet.testbed.reverseip;

import org.jspecify.annotations.NullMarked;
