package dev.dragnet.probe;

import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe's logging, set up in code rather than from an XML file (logback's XML configurator alone loads some
 * 600 classes, a tenth of the probe's): one line per event, {@value #PATTERN}, Netty and Reactor at WARN. To the
 * console by default, where a service manager (systemd's journal, WinSW's rolling log) bounds it; with
 * {@code --log-file} to a file that cannot fill a disk: rolled at {@value #MAX_FILE_SIZE}, {@value #OLD_FILES} old
 * files kept, so at most 20 MB in all.
 */
final class ProbeLogging {

	static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %msg%n";

	static final String MAX_FILE_SIZE = "5MB";

	static final int OLD_FILES = 3;

	private ProbeLogging() {
	}

	/**
	 * Logs to the console in {@code context}, Netty's and Reactor's chatter left out unless it is a warning: what an
	 * unattended probe's log should hold.
	 */
	static void toConsole(LoggerContext context) {
		ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
		appender.setContext(context);
		appender.setName("STDOUT");
		appender.setEncoder(encoder(context));
		appender.start();
		context.getLogger("io.netty").setLevel(Level.WARN);
		context.getLogger("reactor").setLevel(Level.WARN);
		ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		root.setLevel(Level.INFO);
		root.addAppender(appender);
	}

	/** Sends every log line to {@code file} instead of the console. */
	static void toFile(Path file) {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return;
		}
		String name = file.toAbsolutePath().toString();
		RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
		appender.setContext(context);
		appender.setName("FILE");
		appender.setFile(name);
		appender.setEncoder(encoder(context));
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

	private static PatternLayoutEncoder encoder(LoggerContext context) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern(PATTERN);
		encoder.start();
		return encoder;
	}
}
