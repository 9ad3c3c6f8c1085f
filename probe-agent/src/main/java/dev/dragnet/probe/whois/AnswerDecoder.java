package dev.dragnet.probe.whois;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

import org.jspecify.annotations.Nullable;

/**
 * Turns WHOIS answer bytes into text without ever failing: the server's known charset when the task names
 * one, else strict UTF-8, else ISO-8859-1 (which maps every byte). A UTF-8 byte order mark is dropped.
 */
final class AnswerDecoder {

	private static final byte[] UTF8_BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	private AnswerDecoder() {
	}

	/**
	 * @param bytes the answer
	 * @param charsetName charset the task names, or {@code null} to detect; an unknown name means detect
	 * @param truncated whether the answer was cut at the byte cap, so that its last character may be incomplete
	 */
	static String decode(byte[] bytes, @Nullable String charsetName, boolean truncated) {
		Charset charset = charsetOrNull(charsetName);
		if (charset != null && !charset.equals(StandardCharsets.UTF_8)) {
			return stripBom(new String(bytes, charset));
		}
		int offset = startsWithBom(bytes) ? UTF8_BOM.length : 0;
		ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
		if (charset != null) {
			// UTF-8 named explicitly: trust it and replace what does not decode.
			return StandardCharsets.UTF_8.decode(in).toString();
		}
		String utf8 = strictUtf8(in, truncated);
		if (utf8 != null) {
			return utf8;
		}
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	/** Strict UTF-8, or {@code null} when the bytes are not UTF-8. A cut answer may end mid-character. */
	private static @Nullable String strictUtf8(ByteBuffer in, boolean truncated) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		if (!truncated) {
			try {
				return decoder.decode(in).toString();
			}
			catch (CharacterCodingException ex) {
				return null;
			}
		}
		CharBuffer out = CharBuffer.allocate(in.remaining());
		// endOfInput=false leaves an incomplete trailing sequence undecoded instead of calling it malformed.
		CoderResult result = decoder.decode(in, out, false);
		if (result.isError()) {
			return null;
		}
		return out.flip().toString();
	}

	private static @Nullable Charset charsetOrNull(@Nullable String name) {
		if (name == null || name.isBlank()) {
			return null;
		}
		try {
			return Charset.forName(name.trim());
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			return null;
		}
	}

	private static boolean startsWithBom(byte[] bytes) {
		return bytes.length >= 3 && bytes[0] == UTF8_BOM[0] && bytes[1] == UTF8_BOM[1] && bytes[2] == UTF8_BOM[2];
	}

	private static String stripBom(String text) {
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}
}
