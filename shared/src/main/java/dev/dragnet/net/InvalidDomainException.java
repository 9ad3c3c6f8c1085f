package dev.dragnet.net;

/** A domain name that cannot be queried; the message says why in a person's words. */
public final class InvalidDomainException extends IllegalArgumentException {

	public InvalidDomainException(String message) {
		super(message);
	}
}
