package dev.dragnet.server.whois.bulk;

/**
 * One line of a bulk request body, without its line end.
 *
 * @param number the line's number in the body, from 1, counting every line (blank and comment lines too)
 * @param text the line decoded as UTF-8; for an overlong line only its first bytes
 * @param overlong whether the line was longer than the cap, so {@code text} is only its start
 */
record RawLine(long number, String text, boolean overlong) {
}
