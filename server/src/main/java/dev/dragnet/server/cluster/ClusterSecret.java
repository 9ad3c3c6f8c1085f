package dev.dragnet.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * {@code dragnet.cluster.secret}: what instances present to each other's internal endpoints in the
 * {@value #HEADER} header. Without it configured, nothing matches.
 */
@Component
public class ClusterSecret {

	/** The request header that carries the secret. */
	public static final String HEADER = "Dragnet-Cluster-Secret";

	private final @Nullable String value;

	private final byte @Nullable [] digest;

	ClusterSecret(ClusterProperties properties) {
		this.value = properties.secret();
		this.digest = (this.value != null) ? sha256(this.value) : null;
	}

	/** Whether a secret is configured: only then do instances call each other. */
	public boolean configured() {
		return this.value != null;
	}

	/** The secret to send, or null when none is configured. */
	@Nullable String value() {
		return this.value;
	}

	/**
	 * Whether {@code candidate} is the secret. Compares in constant time: both sides are hashed first, so neither
	 * the content nor the length leaks through timing. False whenever no secret is configured.
	 */
	boolean matches(@Nullable String candidate) {
		byte[] expected = this.digest;
		return expected != null && candidate != null && MessageDigest.isEqual(expected, sha256(candidate));
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this Java runtime", ex);
		}
	}
}
