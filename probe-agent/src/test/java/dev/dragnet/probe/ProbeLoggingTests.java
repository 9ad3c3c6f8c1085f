package dev.dragnet.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
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
}
