package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of processes, from Linux's {@code /proc/<pid>/status}: the resident set now ({@code VmRSS}) and its
 * peak so far ({@code VmHWM}). Elsewhere every figure is -1 (unknown) and the benchmarks print "n/a".
 */
final class ProcMemory {

	private ProcMemory() {
	}

	/** Resident set of {@code pid} now, in KiB, or -1 when unknown (gone, not Linux). */
	static long residentKb(long pid) {
		return field(pid, "VmRSS:");
	}

	/** The largest resident set {@code pid} has had since it started, in KiB, or -1 when unknown. */
	static long peakResidentKb(long pid) {
		return field(pid, "VmHWM:");
	}

	/** Reads {@code name} (such as {@code "VmRSS:"}) from the status file, given there in kB. */
	private static long field(long pid, String name) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith(name)) {
					return Long.parseLong(line.substring(name.length()).replace("kB", "").strip());
				}
			}
			return -1;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}
}
