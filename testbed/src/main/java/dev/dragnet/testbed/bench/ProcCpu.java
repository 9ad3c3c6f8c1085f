package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time of processes, from Linux's {@code /proc/<pid>/stat}, and the machine's busy share from
 * {@code /proc/stat}. Elsewhere every figure is -1 (unknown) and the benchmarks print "n/a".
 */
final class ProcCpu {

	/** Clock ticks a second of {@code /proc} times: 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
	static final double TICKS_PER_SECOND = 100;

	private ProcCpu() {
	}

	/** User and system CPU seconds of {@code pid} so far, or -1 when unknown (gone, not Linux). */
	static double seconds(long pid) {
		long[] times = times(pid);
		return (times == null) ? -1 : (times[0] + times[1]) / TICKS_PER_SECOND;
	}

	/**
	 * CPU seconds the JIT compiler threads of JVM {@code pid} spent so far (HotSpot's {@code C1 CompilerThread}
	 * and {@code C2 CompilerThread}, from {@code /proc/<pid>/task}), or -1 when unknown. Part of
	 * {@link #seconds}: a JVM still compiling its hot paths spends this on top of the work itself.
	 */
	static double compilerSeconds(long pid) {
		Path tasks = Path.of("/proc", Long.toString(pid), "task");
		try (Stream<Path> threads = Files.list(tasks)) {
			long ticks = 0;
			for (Path thread : (Iterable<Path>) threads::iterator) {
				try {
					String stat = Files.readString(thread.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
						String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
					}
				}
				catch (IOException ex) {
					// the thread ended meanwhile
				}
			}
			return ticks / TICKS_PER_SECOND;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * CPU seconds of a PostgreSQL server so far: the postmaster, its live backends and the children it has
	 * already reaped; -1 when unknown. {@code pid} is the postmaster's.
	 */
	static double postgresSeconds(long pid) {
		long[] postmaster = times(pid);
		if (postmaster == null) {
			return -1;
		}
		long ticks = postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3];
		List<Long> children = ProcessHandle.of(pid)
			.map((handle) -> handle.descendants().map(ProcessHandle::pid).toList())
			.orElse(List.of());
		for (long child : children) {
			long[] times = times(child);
			if (times != null) {
				ticks += times[0] + times[1];
			}
		}
		return ticks / TICKS_PER_SECOND;
	}

	/** The postmaster's pid from the first {@code postmaster.pid} under {@code directory}, if any. */
	static Optional<Long> postmaster(Path directory) {
		try (Stream<Path> files = Files.find(directory, 4, (path, attributes) -> path.endsWith("postmaster.pid"))) {
			Optional<Path> file = files.findFirst();
			if (file.isEmpty()) {
				return Optional.empty();
			}
			String first = Files.readAllLines(file.get()).get(0).strip();
			return Optional.of(Long.parseLong(first));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/** Busy and total CPU ticks of the whole machine so far, or null when unknown. */
	static long[] machine() {
		try {
			String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < fields.length && i <= 8; i++) {
				total += Long.parseLong(fields[i]);
			}
			long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
			return new long[] { total - idle, total };
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** The one-minute load average, or -1 when unknown. */
	static double loadAverage() {
		try {
			return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** utime, stime, cutime, cstime in ticks, or null. The command name may hold spaces: count after ')'. */
	private static long[] times(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state); utime is field 14
			return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
					Long.parseLong(fields[14]) };
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}
}
