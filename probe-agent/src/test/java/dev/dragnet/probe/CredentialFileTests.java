package dev.dragnet.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialFileTests {

	private static final CredentialFile.Credential CREDENTIAL = new CredentialFile.Credential("cafe-12",
			"dpc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");

	@TempDir
	Path dir;

	@Test
	void writtenForItsOwnerOnlyAndReadBack() throws Exception {
		Path file = this.dir.resolve("sub/probe-credential.properties");
		CredentialFile.write(file, CREDENTIAL);
		assertThat(CredentialFile.read(file)).isEqualTo(CREDENTIAL);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(CREDENTIAL.toString()).doesNotContain("dpc_");
		try (var files = Files.list(file.getParent())) {
			assertThat(files).as("no temporary file left behind").hasSize(1);
		}
	}

	@Test
	void aDamagedFileGetsAClearError() throws Exception {
		Path file = this.dir.resolve("probe-credential.properties");
		Files.writeString(file, "name=cafe-12\ncredential=dpc_cut\n");
		assertThatThrownBy(() -> CredentialFile.read(file)).isInstanceOf(CredentialFile.DamagedCredentialFileException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("no valid 'credential'")
			.hasMessageContaining("--enroll CODE");
		Files.write(file, new byte[] { 0, 1, 2, (byte) 0xff });
		assertThatThrownBy(() -> CredentialFile.read(file)).isInstanceOf(CredentialFile.DamagedCredentialFileException.class)
			.hasMessageContaining("it is not UTF-8 text");
		Files.writeString(file, "credential=dpc_abcdefghijklmnopqrstuvwxyz0123456789\n");
		assertThatThrownBy(() -> CredentialFile.read(file)).isInstanceOf(CredentialFile.DamagedCredentialFileException.class)
			.hasMessageContaining("no valid 'name'");
		assertThat(ProbeAgentMain.exitCode(catchDamaged(file))).isEqualTo(ProbeAgentMain.EXIT_USAGE);
	}

	@Test
	void theDefaultLivesInThePerUserConfigDirectory() {
		assertThat(CredentialFile.defaultPath(Map.of("APPDATA", "C:\\Users\\cafe\\AppData\\Roaming"), "C:\\Users\\cafe"))
			.isEqualTo(Path.of("C:\\Users\\cafe\\AppData\\Roaming", "Dragnet", "probe-credential.properties"));
		assertThat(CredentialFile.defaultPath(Map.of("XDG_CONFIG_HOME", "/home/cafe/.cfg"), "/home/cafe"))
			.isEqualTo(Path.of("/home/cafe/.cfg/dragnet/probe-credential.properties"));
		assertThat(CredentialFile.defaultPath(Map.of(), "/home/cafe"))
			.isEqualTo(Path.of("/home/cafe/.config/dragnet/probe-credential.properties"));
	}

	@Test
	void aMissingCredentialFileWithoutACodeIsAUsageError() {
		Path file = this.dir.resolve("none.properties");
		assertThatThrownBy(() -> ProbeAgentMain.prepare(
				new String[] { "--server", "ws://127.0.0.1:1/ws/probe", "--credentials", file.toString() }, Map.of(),
				() -> "host"))
			.isInstanceOf(ProbeArguments.UsageException.class)
			.hasMessageContaining("no credential file at " + file)
			.hasMessageContaining("--enroll CODE");
	}

	@Test
	void aCaFileThatIsNotPemGetsAClearError() throws Exception {
		Path file = this.dir.resolve("ca.der");
		Files.write(file, new byte[] { 0x30, (byte) 0x82, 1, 2, 3 });
		assertThatThrownBy(() -> ProbeAgentMain.prepare(
				new String[] { "--server", "wss://127.0.0.1:1/ws/probe", "--token", "T", "--ca-cert", file.toString() },
				Map.of(), () -> "host"))
			.isInstanceOf(PemCertificates.InvalidCertificateFileException.class)
			.hasMessageContaining(file + " is not a PEM certificate file");
		Files.writeString(file, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
		assertThatThrownBy(() -> PemCertificates.read(file)).isInstanceOf(PemCertificates.InvalidCertificateFileException.class)
			.hasMessageContaining("damaged PEM certificate");
	}

	private static Throwable catchDamaged(Path file) {
		try {
			CredentialFile.read(file);
			throw new AssertionError("read a damaged file");
		}
		catch (CredentialFile.DamagedCredentialFileException ex) {
			return ex;
		}
	}
}
