package dev.dragnet.server.web;

/**
 * Untrusted text (a caller's line, a probe's reason) quoted back in a problem detail, a log line or a stored reason:
 * each control character (Unicode's {@code Cc}: C0, DEL and C1, NEL among them) as {@code ?}, so that it cannot
 * forge a log line or hold a NUL that PostgreSQL's text refuses, and cut to a length.
 */
public final class Printable {

	private Printable() {
	}

	/** {@code text} with each control character as {@code ?}; {@code text} itself when it has none. */
	public static String of(String text) {
		char[] clean = null;
		for (int i = 0; i < text.length(); i++) {
			// Unicode's Cc is exactly ISO control: U+0000-U+001F and U+007F-U+009F
			if (Character.isISOControl(text.charAt(i))) {
				if (clean == null) {
					clean = text.toCharArray();
				}
				clean[i] = '?';
			}
		}
		return (clean != null) ? new String(clean) : text;
	}

	/** {@link #of} cut to {@code max} characters, then {@code ...} when it was longer. */
	public static String cut(String text, int max) {
		String clean = of(text);
		return (clean.length() > max) ? clean.substring(0, max) + "..." : clean;
	}
}
