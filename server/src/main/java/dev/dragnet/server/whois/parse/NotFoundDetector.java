package dev.dragnet.server.whois.parse;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import static dev.dragnet.server.whois.parse.Phrases.phrase;

/**
 * Tells "registered", "not registered" and "neither" apart from an answer's wording. The phrases are those
 * registries really send (see the dev fixtures); a phrase counts only when the answer carries no registration
 * data (no dates, name servers or registrar), so a disclaimer that mentions "not found" cannot turn a record
 * into a free name.
 */
final class NotFoundDetector {

	static final Phrases NOT_FOUND = Phrases.of(Pattern.MULTILINE | Pattern.UNICODE_CASE,
			phrase("no match", "no match(?:es)? for"), phrase("no match", "^[\\s%#]*no match\\b"),
			phrase("no data", "no data was found"), phrase("no match", "no match!!"), phrase("not found", "not found"),
			phrase("no data", "no data found"), phrase("free", "status:\\s*free\\b"),
			phrase("available", "status:\\s*available\\b"), phrase("not registered", "status:\\s*not registered"),
			phrase("no entries", "no entries found"), phrase("available", "is available for (?:registration|purchase)"),
			phrase("not exist", "the queried object does not exist"), phrase("no object", "no object found"),
			phrase("not exist", "object does not exist"), phrase("not exist", "does not exist in (?:the )?database"),
			phrase("not registered", "\\bnot registered\\b"), phrase("not been registered", "has not been registered"),
			phrase("not registered", "is not registered"), phrase("no match", "no matching record"),
			phrase("no existe", "\\bno existe\\b"), phrase("no se encuentra", "no se encuentra registrad[oa]"),
			phrase("available", "^\\s*available:\\s*yes"), phrase("available", "^\\s*available\\s*$"),
			phrase("free", "\\bis free\\s*$"), phrase("nothing found", "\\bnothing found\\b"),
			phrase("available", "no information available"), phrase("not known", "not known in"),
			phrase("no found", "^\\s*no found\\s*$"), phrase("object_not_found", "object_not_found"),
			phrase("nincs", "nincs találat"), phrase("등록되어", "등록되어 있지 않습니다"),
			phrase("available", "domain status:\\s*available"), phrase("free", "^\\s*domain status:\\s*free"),
			phrase("no such domain", "no such domain"), phrase("domain unknown", "domain unknown"),
			phrase("free", "^\\s*free\\s*$"));

	static final Phrases RESERVED = Phrases.of(Pattern.MULTILINE, phrase("reserved", "^\\s*reserved\\b"),
			phrase("reserved by", "\\breserved by\\b"), phrase("reserved", "\\b(?:is|been|name is) reserved\\b"),
			phrase("status:", "status:\\s*(?:reserved|blocked|premium|prohibited)"),
			phrase("reserved ", "\\breserved (?:domain|name|word)"), phrase("blocked", "\\b(?:is|been) blocked\\b"),
			phrase("blocked ", "\\bblocked (?:domain|name)\\b"), phrase("premium ", "\\bpremium (?:domain|name)\\b"),
			phrase("is a premium", "\\bis a premium\\b"), phrase("cannot be registered", "cannot be registered"),
			phrase("not available for registration", "not available for registration"));

	/**
	 * Whether {@code text} says anywhere that a name is not registered: without such a phrase
	 * {@link #registered} is never {@code false}, so an answer without one needs no parse to be known a record.
	 * {@code folded} is {@code text} folded by {@link Phrases#fold}.
	 */
	static boolean saysNotFound(String text, String folded) {
		return NOT_FOUND.foundIn(text, folded);
	}

	/**
	 * {@code true} when the answer carries registration data, {@code null} when it says the name is reserved,
	 * blocked or premium, {@code false} when it says the name is not registered, else {@code true} when it
	 * carries weaker signs of a record (statuses, a holder) and {@code null} when it says nothing either way.
	 *
	 * @param strongData the answer has dates, name servers or a registrar
	 * @param weakData the answer has statuses or a holder
	 */
	@Nullable Boolean registered(String text, boolean strongData, boolean weakData) {
		if (strongData) {
			return true;
		}
		String folded = Phrases.fold(text);
		if (RESERVED.foundIn(text, folded)) {
			return null;
		}
		if (NOT_FOUND.foundIn(text, folded)) {
			return false;
		}
		return weakData ? Boolean.TRUE : null;
	}
}
