package dev.dragnet.probe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code --ca-cert} file: one or more PEM certificates the server's certificate must lead to. */
public final class PemCertificates {

	private static final Pattern BLOCK = Pattern
		.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

	/** A CA file is small; a larger one is surely the wrong file. */
	private static final long MAX_BYTES = 1024 * 1024;

	private PemCertificates() {
	}

	/**
	 * The certificates in {@code file}. Reads the file: call it where blocking is allowed (at start).
	 * @throws InvalidCertificateFileException with a message a person can act on
	 */
	public static List<X509Certificate> read(Path file) {
		String text;
		try {
			if (Files.size(file) > MAX_BYTES) {
				throw new InvalidCertificateFileException(file + " is larger than 1 MiB: not a PEM certificate file");
			}
			text = Files.readString(file, StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new InvalidCertificateFileException("cannot read the CA certificate file " + file + ": " + ex);
		}
		return parse(text, file.toString());
	}

	/** The certificates in PEM {@code text}; {@code origin} names it in errors. */
	static List<X509Certificate> parse(String text, String origin) {
		List<X509Certificate> certificates = new ArrayList<>();
		Matcher blocks = BLOCK.matcher(text);
		try {
			CertificateFactory factory = CertificateFactory.getInstance("X.509");
			while (blocks.find()) {
				byte[] der = Base64.getMimeDecoder().decode(blocks.group(1));
				certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
			}
		}
		catch (CertificateException | IllegalArgumentException ex) {
			throw new InvalidCertificateFileException(origin + " holds a damaged PEM certificate: " + ex.getMessage());
		}
		if (certificates.isEmpty()) {
			throw new InvalidCertificateFileException(origin + " is not a PEM certificate file: it has no"
					+ " '-----BEGIN CERTIFICATE-----' block (a DER or PKCS#12 file must be converted to PEM first)");
		}
		return List.copyOf(certificates);
	}

	/** A {@code --ca-cert} file that cannot be used. */
	public static final class InvalidCertificateFileException extends RuntimeException {

		InvalidCertificateFileException(String message) {
			super(message, null, false, false);
		}
	}
}
