/**
 * The WHOIS server directory: which server (and query format) serves each registry suffix. Seeded at every
 * start from {@code whois/tld.json} (MIT, see {@code whois/LICENSE.txt}); an operator overrides entries through
 * {@code PUT /api/whois-servers/{suffix}}, and such entries survive later seeds.
 */
@NullMarked
package dev.dragnet.server.whois.directory;

import org.jspecify.annotations.NullMarked;
