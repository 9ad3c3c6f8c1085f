/**
 * The WHOIS front door (RFC 3912): with {@code dragnet.whois.port43.enabled}, the server also answers plain
 * WHOIS clients on TCP port 43, one query line per connection, through the same lookups as {@code /WHOIS/}.
 */
@NullMarked
package dev.dragnet.server.whois.port43;

import org.jspecify.annotations.NullMarked;
