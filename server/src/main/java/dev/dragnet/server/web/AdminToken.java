package dev.dragnet.server.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The effective admin token: {@code dragnet.admin.token}, or one generated at start when that is unset. Tests
 * and tools read it with {@link #value()}.
 */
public final class AdminToken {

	private static final SecureRandom random = new SecureRandom();

	private final String value;

	private final byte[] digest;

	private final boolean generated;

	private AdminToken(String value, boolean generated) {
		this.value = value;
		this.digest = sha256(value);
		this.generated = generated;
	}

	static AdminToken of(String value) {
		return new AdminToken(value, false);
	}

	/** 32 random bytes, URL-safe base64 without padding (43 characters). */
	static AdminToken generate() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return new AdminToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), true);
	}

	/** The token a client sends as {@code Authorization: Bearer <value>}. */
	public String value() {
		return this.value;
	}

	/** Whether the token was generated at this start rather than configured. */
	public boolean isGenerated() {
		return this.generated;
	}

	/**
	 * Compares in constant time: both sides are hashed first, so neither the content nor the length of the
	 * token leaks through timing.
	 */
	boolean matches(String candidate) {
		return MessageDigest.isEqual(this.digest, sha256(candidate));
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "AdminToken[****]";
	}
}
