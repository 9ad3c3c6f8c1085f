package dev.dragnet.probe.net;

import java.util.regex.Pattern;

/**
 * Netty's native transports (epoll, io_uring) word an OS error as the system call that failed, then the error:
 * {@code finishConnect(..) failed: Connection refused} (epoll), {@code io_uring connect(..) failed with error(-111):
 * Connection refused} (io_uring). Only the error says something to whoever reads a probe's log or a result's detail;
 * the call's name differs by transport and is noise.
 */
public final class NativeErrors {

	private static final Pattern SYSCALL = Pattern
		.compile("^(?:io_uring )?\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

	private NativeErrors() {
	}

	/** {@code message} without a native transport's system-call prefix; any other message as it is. */
	public static String withoutSyscall(String message) {
		return SYSCALL.matcher(message).replaceFirst("");
	}

	/** What {@code error} says, without a system-call prefix; its class's simple name when it says nothing. */
	public static String describe(Throwable error) {
		String message = error.getMessage();
		return (message == null || message.isBlank()) ? error.getClass().getSimpleName() : withoutSyscall(message);
	}
}
