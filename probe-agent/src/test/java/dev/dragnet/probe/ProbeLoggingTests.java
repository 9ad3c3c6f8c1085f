package dev.dragnet.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeLoggingTests {

	@TempDir
	Path dir;

	@Test
	void aLogFileIsRolledAtASizeCapWithFewOldFilesKept() throws Exception {
		Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		List<Appender<ILoggingEvent>> before = new ArrayList<>();
		root.iteratorForAppenders().forEachRemaining(before::add);
		Path file = this.dir.resolve("probe.log");
		try {
			ProbeLogging.toFile(file);
			LoggerFactory.getLogger(ProbeLoggingTests.class).info("one line per state change");
			RollingFileAppender<ILoggingEvent> appender = (RollingFileAppender<ILoggingEvent>) root.getAppender("FILE");
			assertThat(((SizeBasedTriggeringPolicy<ILoggingEvent>) appender.getTriggeringPolicy()).getMaxFileSize())
				.hasToString("5 MB");
			assertThat(((FixedWindowRollingPolicy) appender.getRollingPolicy()).getMaxIndex()).isEqualTo(3);
			assertThat(Files.readString(file)).contains("INFO  one line per state change");
		}
		finally {
			root.detachAndStopAllAppenders();
			before.forEach((appender) -> {
				appender.start();
				root.addAppender(appender);
			});
		}
	}

	@Test
	void theConsoleGetsOneLinePerEventWithNettyAndReactorOnlyAtWarn() {
		LoggerContext context = new LoggerContext();
		ProbeLogging.toConsole(context);
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
		assertThat(appender.isStarted()).isTrue();
		assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern()).isEqualTo(ProbeLogging.PATTERN);
		assertThat(root.getLevel()).isEqualTo(Level.INFO);
		assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.WARN);
		assertThat(context.getLogger("reactor.netty.http").getEffectiveLevel()).isEqualTo(Level.WARN);
		assertThat(context.getLogger("dev.dragnet.probe").getEffectiveLevel()).isEqualTo(Level.INFO);
		context.stop();
	}

	@Test
	void aLogbackFileOnTheClassPathWinsOverTheProbesOwnSetUp() {
		// These tests have logback-test.xml on their class path.
		LoggerContext context = new LoggerContext();
		ProbeLogConfigurator configurator = new ProbeLogConfigurator();
		configurator.setContext(context);
		assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
		assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
	}
}
