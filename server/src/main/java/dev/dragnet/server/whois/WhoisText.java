package dev.dragnet.server.whois;

import java.util.List;

/** Renders a lookup as the plain text of {@code /WHOIS/...} and the port-43 front door: every hop in order. */
public final class WhoisText {

	/** Starts the line that separates two hops; WHOIS comment syntax, so line-based tools skip it. */
	public static final String MARKER = "%% Dragnet: ";

	private WhoisText() {
	}

	public static String render(WhoisLookup lookup) {
		return render(lookup.hops());
	}

	static String render(List<Hop> hops) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < hops.size(); i++) {
			Hop hop = hops.get(i);
			if (i > 0) {
				if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
					text.append("\r\n");
				}
				text.append(MARKER).append(describe(hop)).append("\r\n");
			}
			if (hop.text() != null) {
				text.append(hop.text());
			}
		}
		return text.toString();
	}

	private static String describe(Hop hop) {
		String what = (hop.note() != null) ? hop.note() : "next answer";
		return what + " -- " + hop.source() + " " + hop.server() + (hop.answered() ? "" : " (" + hop.outcome() + ")");
	}
}
