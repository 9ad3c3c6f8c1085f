package dev.dragnet.server.whois.parse;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Tells "registered", "not registered" and "neither" apart from an answer's wording. The phrases are those
 * registries really send (see the dev fixtures); a phrase counts only when the answer carries no registration
 * data (no dates, name servers or registrar), so a disclaimer that mentions "not found" cannot turn a record
 * into a free name.
 */
final class NotFoundDetector {

	private static final Pattern NOT_FOUND = Pattern.compile(String.join("|", List.of("no match(?:es)? for",
			"^[\\s%#]*no match\\b", "no data was found", "no match!!", "not found", "no data found", "status:\\s*free\\b",
			"status:\\s*available\\b", "status:\\s*not registered", "no entries found",
			"is available for (?:registration|purchase)", "the queried object does not exist", "no object found",
			"object does not exist", "does not exist in (?:the )?database", "\\bnot registered\\b",
			"has not been registered", "is not registered", "no matching record", "\\bno existe\\b",
			"no se encuentra registrad[oa]", "^\\s*available:\\s*yes", "^\\s*available\\s*$", "\\bis free\\s*$",
			"\\bnothing found\\b", "no information available", "not known in", "^\\s*no found\\s*$",
			"object_not_found", "nincs találat", "등록되어 있지 않습니다", "domain status:\\s*available",
			"^\\s*domain status:\\s*free", "no such domain", "domain unknown", "^\\s*free\\s*$")),
			Pattern.CASE_INSENSITIVE | Pattern.MULTILINE | Pattern.UNICODE_CASE);

	private static final Pattern RESERVED = Pattern.compile(String.join("|",
			List.of("^\\s*reserved\\b", "\\breserved by\\b", "\\b(?:is|been|name is) reserved\\b",
					"status:\\s*(?:reserved|blocked|premium|prohibited)", "\\breserved (?:domain|name|word)",
					"\\b(?:is|been) blocked\\b", "\\bblocked (?:domain|name)\\b", "\\bpremium (?:domain|name)\\b",
					"\\bis a premium\\b", "cannot be registered", "not available for registration")),
			Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

	/**
	 * Whether {@code text} says anywhere that a name is not registered: without such a phrase
	 * {@link #registered} is never {@code false}, so an answer without one needs no parse to be known a record.
	 */
	static boolean saysNotFound(String text) {
		return NOT_FOUND.matcher(text).find();
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
		if (RESERVED.matcher(text).find()) {
			return null;
		}
		if (NOT_FOUND.matcher(text).find()) {
			return false;
		}
		return weakData ? Boolean.TRUE : null;
	}
}
