package dev.dragnet.server.whois;

import dev.dragnet.net.DomainNames;
import org.springframework.stereotype.Component;

/**
 * Loads the IDNA data (ICU4J reads it from its jar on first use) while the application starts, so that the first
 * domain name normalised in a request handler does not read files on an event loop.
 */
@Component
class DomainNamesPreload {

	DomainNamesPreload() {
		DomainNames.preload();
	}
}
