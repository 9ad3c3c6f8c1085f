package dev.dragnet.testbed.bench;

/**
 * CPU seconds of each party of a benchmark between two snapshots, from {@link ProcCpu}: the server, its PostgreSQL,
 * the probe processes (none for simulated probes), the benchmark's own JVM, and the machine's busy share. A figure
 * that cannot be read is -1.
 */
final class FleetMeter {

	private final Fleet fleet;

	private final long self = ProcessHandle.current().pid();

	FleetMeter(Fleet fleet) {
		this.fleet = fleet;
	}

	Snapshot snapshot() {
		long postmaster = ProcCpu.postmaster(this.fleet.workDir().resolve("postgres")).orElse(-1L);
		double probes = 0;
		double probesJit = 0;
		for (long pid : this.fleet.probePids()) {
			double seconds = ProcCpu.seconds(pid);
			probes = (probes < 0 || seconds < 0) ? -1 : probes + seconds;
			double jit = ProcCpu.compilerSeconds(pid);
			probesJit = (probesJit < 0 || jit < 0) ? -1 : probesJit + jit;
		}
		return new Snapshot(ProcCpu.seconds(this.fleet.serverPid()),
				(postmaster < 0) ? -1 : ProcCpu.postgresSeconds(postmaster), probes, ProcCpu.seconds(this.self),
				ProcCpu.machine(), ProcCpu.compilerSeconds(this.fleet.serverPid()), probesJit);
	}

	Usage since(Snapshot before) {
		Snapshot now = snapshot();
		double busy = -1;
		if (before.machine != null && now.machine != null && now.machine[1] > before.machine[1]) {
			busy = (double) (now.machine[0] - before.machine[0]) / (now.machine[1] - before.machine[1]);
		}
		return new Usage(delta(before.server, now.server), delta(before.postgres, now.postgres),
				delta(before.probes, now.probes), delta(before.bench, now.bench), busy,
				delta(before.serverJit, now.serverJit), delta(before.probesJit, now.probesJit));
	}

	private static double delta(double before, double now) {
		return (before < 0 || now < 0) ? -1 : now - before;
	}

	record Snapshot(double server, double postgres, double probes, double bench, long[] machine, double serverJit,
			double probesJit) {
	}

	/**
	 * CPU seconds over an interval; {@code serverJit} and {@code probesJit} are the JIT compiler threads' part of
	 * {@code server} and {@code probes}.
	 */
	record Usage(double server, double postgres, double probes, double bench, double machineBusy, double serverJit,
			double probesJit) {
	}
}
