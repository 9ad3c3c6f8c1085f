package dev.dragnet.server.whois.parse;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Spells a domain status the way EPP does (RFC 5731, RFC 3915): {@code clientTransferProhibited} from
 * {@code client transfer prohibited}, {@code CLIENT_TRANSFER_PROHIBITED} or
 * {@code clientTransferProhibited https://icann.org/epp#clientTransferProhibited}. Statuses that are not EPP
 * codes become lower-case words ({@code connect}, {@code registered}).
 */
final class EppStatus {

	private static final List<String> CODES = List.of("ok", "inactive", "pendingCreate", "pendingDelete",
			"pendingRenew", "pendingRestore", "pendingTransfer", "pendingUpdate", "addPeriod", "autoRenewPeriod",
			"renewPeriod", "transferPeriod", "redemptionPeriod", "clientDeleteProhibited", "clientHold",
			"clientRenewProhibited", "clientTransferProhibited", "clientUpdateProhibited", "serverDeleteProhibited",
			"serverHold", "serverRenewProhibited", "serverTransferProhibited", "serverUpdateProhibited");

	private static final Map<String, String> BY_LETTERS = new HashMap<>();

	static {
		for (String code : CODES) {
			BY_LETTERS.put(code.toLowerCase(Locale.ROOT), code);
		}
	}

	/** A link or a parenthesised remark after the status, as ICANN asks registries to add. */
	private static final Pattern REMARK = Pattern.compile("\\s*(\\(|https?://|<|\\[|-\\s).*$");

	private static final Pattern SPACE_RUN = Pattern.compile("\\s+");

	private static final Pattern NON_LETTERS = Pattern.compile("[^\\p{L}]+");

	private EppStatus() {
	}

	/** The canonical code or lower-case words for one status value; {@code null} when nothing is left. */
	static @Nullable String normalise(String raw) {
		String value = REMARK.matcher(raw.strip()).replaceFirst("").strip();
		if (value.isEmpty()) {
			return null;
		}
		String code = code(value);
		if (code != null) {
			return code;
		}
		return SPACE_RUN.matcher(value.toLowerCase(Locale.ROOT).replace('_', ' ')).replaceAll(" ");
	}

	/** The EPP code that {@code value} spells, ignoring case, spaces and punctuation, or {@code null}. */
	static @Nullable String code(String value) {
		return BY_LETTERS.get(NON_LETTERS.matcher(value).replaceAll("").toLowerCase(Locale.ROOT));
	}
}
