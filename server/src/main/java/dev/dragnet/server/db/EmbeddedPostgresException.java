package dev.dragnet.server.db;

/** The embedded PostgreSQL could not be unpacked, initialised, started or stopped; the message says why. */
public final class EmbeddedPostgresException extends RuntimeException {

	EmbeddedPostgresException(String message) {
		super(message);
	}

	EmbeddedPostgresException(String message, Throwable cause) {
		super(message, cause);
	}
}
