package dev.dragnet.probe;

import java.nio.file.Path;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging to a file that cannot fill a disk: rolled at {@value #MAX_FILE_SIZE}, {@value #OLD_FILES} old files kept,
 * so at most 20 MB in all. Used with {@code --log-file}; without it the probe logs to the console, where a service
 * manager (systemd's journal, WinSW's rolling log) bounds it.
 */
final class ProbeLogging {

	static final String MAX_FILE_SIZE = "5MB";

	static final int OLD_FILES = 3;

	private ProbeLogging() {
	}

	/** Sends every log line to {@code file} instead of the console. */
	static void toFile(Path file) {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return;
		}
		String name = file.toAbsolutePath().toString();
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %msg%n");
		encoder.start();
		RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
		appender.setContext(context);
		appender.setName("FILE");
		appender.setFile(name);
		appender.setEncoder(encoder);
		FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
		rolling.setContext(context);
		rolling.setParent(appender);
		rolling.setFileNamePattern(name + ".%i");
		rolling.setMinIndex(1);
		rolling.setMaxIndex(OLD_FILES);
		rolling.start();
		SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
		trigger.setContext(context);
		trigger.setMaxFileSize(FileSize.valueOf(MAX_FILE_SIZE));
		trigger.start();
		appender.setRollingPolicy(rolling);
		appender.setTriggeringPolicy(trigger);
		appender.start();
		ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		root.detachAndStopAllAppenders();
		root.addAppender(appender);
	}
}
