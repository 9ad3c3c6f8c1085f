package dev.dragnet.testbed.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's {@code jcmd} against one of the benchmark's JVMs (heap histograms, JFR, native memory). */
final class Jcmd {

	private Jcmd() {
	}

	/** Runs {@code jcmd <pid> <arguments>} and returns what it printed; an {@link IOException} when it failed. */
	static String run(long pid, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
				Long.toString(pid)));
		command.addAll(Arrays.asList(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IOException("jcmd " + String.join(" ", arguments) + " failed: " + output);
		}
		return output;
	}

	/** Like {@link #run}, for what the benchmark can do without: a failure is printed, not thrown. */
	static String tryRun(long pid, String... arguments) throws InterruptedException {
		try {
			return run(pid, arguments);
		}
		catch (IOException ex) {
			System.err.println(ex.getMessage());
			return "";
		}
	}
}
