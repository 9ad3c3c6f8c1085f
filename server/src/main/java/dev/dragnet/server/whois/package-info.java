/**
 * WHOIS over HTTP: {@code /WHOIS/{domain}[:{server}]} as plain text and {@code /api/whois/{domain}} as JSON.
 * Validates the name, picks the server and query format from the directory, and dispatches the query to a
 * probe.
 */
@NullMarked
package dev.dragnet.server.whois;

import org.jspecify.annotations.NullMarked;
