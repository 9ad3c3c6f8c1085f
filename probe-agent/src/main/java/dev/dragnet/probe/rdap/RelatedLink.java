package dev.dragnet.probe.rdap;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Finds the one {@code related} link worth following in an RDAP answer: thin registries point at the registrar's
 * record with {@code {"rel":"related","type":"application/rdap+json","href":...}}. A link qualifies when its
 * {@code rel} is {@code related} and either its {@code type} is RDAP JSON or its {@code href} has a
 * {@code /domain/} path (some registries leave the type out). The first qualifying HTTP(S) link wins; a link back to
 * the answer itself does not count.
 */
final class RelatedLink {

	private static final String RDAP_TYPE = "application/rdap+json";

	private RelatedLink() {
	}

	static @Nullable URI find(List<RdapJson.Link> links, URI answeredFrom) {
		for (RdapJson.Link link : links) {
			URI target = qualifying(link, answeredFrom);
			if (target != null) {
				return target;
			}
		}
		return null;
	}

	private static @Nullable URI qualifying(RdapJson.Link link, URI answeredFrom) {
		if (!"related".equalsIgnoreCase(link.rel().trim())) {
			return null;
		}
		String href = link.href().trim();
		String type = link.type().trim().toLowerCase(Locale.ROOT);
		if (href.isEmpty() || !(type.startsWith(RDAP_TYPE) || href.contains("/domain/"))) {
			return null;
		}
		URI target = resolve(answeredFrom, href);
		if (target == null || target.getHost() == null || target.equals(answeredFrom)) {
			return null;
		}
		String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
		return scheme.equals("http") || scheme.equals("https") ? target : null;
	}

	static @Nullable URI resolve(URI base, String reference) {
		try {
			return base.resolve(new URI(reference)).normalize();
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			return null;
		}
	}
}
