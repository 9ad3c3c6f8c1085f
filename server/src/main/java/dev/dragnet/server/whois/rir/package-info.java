/** Which regional internet registry's WHOIS server answers for an IP address or an AS number. */
@NullMarked
package dev.dragnet.server.whois.rir;

import org.jspecify.annotations.NullMarked;
