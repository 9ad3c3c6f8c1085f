package dev.dragnet.probe;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The file that holds a probe's own credential after enrollment: its name and the credential, as
 * {@code key=value} lines. Readable and writable by its owner only. Reads and writes block: call them at start.
 */
public final class CredentialFile {

	private static final Pattern CREDENTIAL = Pattern.compile("dpc_[A-Za-z0-9_-]{20,200}");

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private CredentialFile() {
	}

	/**
	 * Where the credential goes when {@code --credentials} names no file: the per-user configuration directory,
	 * {@code %APPDATA%\Dragnet} on Windows, else {@code $XDG_CONFIG_HOME/dragnet} or {@code ~/.config/dragnet}.
	 */
	public static Path defaultPath(Map<String, String> env, String userHome) {
		String appData = env.get("APPDATA");
		if (appData != null && !appData.isBlank()) {
			return Path.of(appData, "Dragnet", "probe-credential.properties");
		}
		String xdg = env.get("XDG_CONFIG_HOME");
		Path base = (xdg != null && !xdg.isBlank()) ? Path.of(xdg) : Path.of(userHome, ".config");
		return base.resolve("dragnet").resolve("probe-credential.properties");
	}

	/**
	 * The name and credential stored in {@code file}.
	 * @throws DamagedCredentialFileException when the file cannot be read or is not a credential file
	 */
	public static Credential read(Path file) {
		Properties properties = new Properties();
		try {
			if (Files.size(file) > 64 * 1024) {
				throw new DamagedCredentialFileException(file, "it is larger than 64 KiB");
			}
			properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			throw new DamagedCredentialFileException(file, "it is not UTF-8 text");
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new DamagedCredentialFileException(file, ex.toString());
		}
		String name = properties.getProperty("name", "").trim();
		String credential = properties.getProperty("credential", "").trim();
		if (!NAME.matcher(name).matches()) {
			throw new DamagedCredentialFileException(file, "it has no valid 'name'");
		}
		if (!CREDENTIAL.matcher(credential).matches()) {
			throw new DamagedCredentialFileException(file, "it has no valid 'credential'");
		}
		return new Credential(name, credential);
	}

	/** Writes {@code credential} to {@code file} (created with its directory), readable by the current user only. */
	public static void write(Path file, Credential credential) throws IOException {
		Path directory = file.toAbsolutePath().getParent();
		Files.createDirectories(directory);
		Path temporary = Files.createTempFile(directory, ".probe-credential", ".tmp");
		try {
			ownerOnly(temporary);
			Files.writeString(temporary, "# Dragnet probe credential: keep it secret. Delete this file and enroll again"
					+ " with a new code if it leaks.\nname=" + credential.name() + "\ncredential="
					+ credential.credential() + "\n", StandardCharsets.UTF_8);
			try {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/** rw------- on POSIX systems; on Windows an access list with the owner alone. */
	private static void ownerOnly(Path file) throws IOException {
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			return;
		}
		AclFileAttributeView acl = Files.getFileAttributeView(file, AclFileAttributeView.class);
		if (acl != null) {
			UserPrincipal owner = Files.getOwner(file);
			acl.setAcl(List.of(AclEntry.newBuilder()
				.setType(AclEntryType.ALLOW)
				.setPrincipal(owner)
				.setPermissions(EnumSet.of(AclEntryPermission.READ_DATA, AclEntryPermission.WRITE_DATA,
						AclEntryPermission.APPEND_DATA, AclEntryPermission.READ_ATTRIBUTES,
						AclEntryPermission.WRITE_ATTRIBUTES, AclEntryPermission.READ_ACL, AclEntryPermission.DELETE,
						AclEntryPermission.SYNCHRONIZE))
				.build()));
		}
	}

	/**
	 * A probe's own identity.
	 * @param name the probe name the credential is bound to
	 * @param credential the secret; never printed
	 */
	public record Credential(String name, String credential) {

		@Override
		public String toString() {
			return "Credential[name=" + this.name + "]";
		}
	}

	/** A credential file that cannot be used. */
	public static final class DamagedCredentialFileException extends RuntimeException {

		DamagedCredentialFileException(Path file, String why) {
			super("the credential file " + file + " cannot be used (" + why + "); restore it, or delete it and enroll"
					+ " again with --enroll CODE", null, false, false);
		}
	}
}
