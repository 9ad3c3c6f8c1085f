package dev.dragnet.probe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Sets up the probe's logging when logback starts ({@link ProbeLogging#toConsole}), found by logback through
 * {@code META-INF/services}. Steps aside, leaving logback to its usual search, when a {@code logback.xml} or
 * {@code logback-test.xml} is on the class path or {@code -Dlogback.configurationFile} names one, so that a
 * user's or a test's configuration still wins. Public only because logback's service loader needs it.
 */
public final class ProbeLogConfigurator extends ContextAwareBase implements Configurator {

	@Override
	public ExecutionStatus configure(LoggerContext context) {
		if (System.getProperty("logback.configurationFile") != null || resource("logback-test.xml")
				|| resource("logback.xml")) {
			return ExecutionStatus.INVOKE_NEXT_IF_ANY;
		}
		ProbeLogging.toConsole(context);
		return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
	}

	private static boolean resource(String name) {
		return ProbeLogConfigurator.class.getClassLoader().getResource(name) != null;
	}
}
