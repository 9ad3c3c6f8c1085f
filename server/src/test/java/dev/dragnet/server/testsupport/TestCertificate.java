package dev.dragnet.server.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by the test with the JDK alone (an
 * EC P-256 key, the X.509 structure written out in DER), saved as PEM files that Spring Boot's
 * {@code server.ssl.certificate} and the probe's {@code --ca-cert} read.
 *
 * @param certificate the certificate, PEM
 * @param privateKey its private key, PKCS#8 PEM
 */
public record TestCertificate(Path certificate, Path privateKey) {

	private static final byte[] ECDSA_WITH_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);

	private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);

	private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);

	/** Makes a new key and certificate ({@code CN=cn}) valid for a day, and writes both into {@code dir}. */
	public static TestCertificate create(Path dir, String cn) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair keys = generator.generateKeyPair();
			byte[] algorithm = sequence(ECDSA_WITH_SHA256);
			byte[] name = sequence(set(sequence(COMMON_NAME, tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
			ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
			byte[] validity = sequence(time(now.minus(Duration.ofHours(1))), time(now.plus(Duration.ofDays(1))));
			byte[] altNames = sequence(tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),
					tlv(0x87, new byte[] { 127, 0, 0, 1 }));
			byte[] extensions = tlv(0xa3, sequence(sequence(SUBJECT_ALT_NAME, tlv(0x04, altNames))));
			byte[] tbs = sequence(tlv(0xa0, tlv(0x02, new byte[] { 2 })), tlv(0x02, new byte[] { 0x01, 0x23, 0x45 }),
					algorithm, name, validity, name, keys.getPublic().getEncoded(), extensions);
			Signature signer = Signature.getInstance("SHA256withECDSA");
			signer.initSign(keys.getPrivate());
			signer.update(tbs);
			byte[] signature = signer.sign();
			byte[] bitString = new byte[signature.length + 1];
			System.arraycopy(signature, 0, bitString, 1, signature.length);
			byte[] certificate = sequence(tbs, algorithm, tlv(0x03, bitString));
			Path cert = dir.resolve(cn + "-cert.pem");
			Path key = dir.resolve(cn + "-key.pem");
			Files.writeString(cert, pem("CERTIFICATE", certificate));
			Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
			return new TestCertificate(cert, key);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static byte[] time(ZonedDateTime time) {
		return tlv(0x17, time.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")).getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] sequence(byte[]... parts) {
		return tlv(0x30, concat(parts));
	}

	private static byte[] set(byte[]... parts) {
		return tlv(0x31, concat(parts));
	}

	private static byte[] oid(int... arcs) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(40 * arcs[0] + arcs[1]);
		for (int i = 2; i < arcs.length; i++) {
			int arc = arcs[i];
			byte[] base128 = new byte[5];
			int n = 0;
			do {
				base128[n++] = (byte) (arc & 0x7f);
				arc >>>= 7;
			}
			while (arc != 0);
			for (int j = n - 1; j >= 0; j--) {
				out.write(base128[j] | ((j > 0) ? 0x80 : 0));
			}
		}
		return tlv(0x06, out.toByteArray());
	}

	private static byte[] tlv(int tag, byte[] value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(tag);
		int length = value.length;
		if (length < 0x80) {
			out.write(length);
		}
		else if (length < 0x100) {
			out.write(0x81);
			out.write(length);
		}
		else {
			out.write(0x82);
			out.write(length >> 8);
			out.write(length & 0xff);
		}
		out.writeBytes(value);
		return out.toByteArray();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}
}
