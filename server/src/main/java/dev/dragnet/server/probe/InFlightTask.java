package dev.dragnet.server.probe;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.RdapQuery;
import dev.dragnet.protocol.Task;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.protocol.WhoisQuery;
import reactor.core.publisher.Sinks;

/**
 * A task sent to a probe and not answered yet, with the sink its dispatcher waits on.
 *
 * @param task the task as sent
 * @param result completed with the probe's answer, or failed when the session ends first
 */
record InFlightTask(Task task, Sinks.One<TaskResult> result) {

	/** The task kind as the protocol names it: {@code whois} or {@code rdap}. */
	String kind() {
		return kindOf(this.task);
	}

	/** What the task asks, as a person reads it: {@code task 3f-12: whois 'example.com' at whois.nic.test:43}. */
	String describe() {
		String what;
		if (this.task.work() instanceof WhoisQuery whois) {
			what = "whois '" + whois.query() + "' at " + whois.host() + ":" + whois.port();
		}
		else if (this.task.work() instanceof RdapQuery rdap) {
			what = "rdap " + rdap.url();
		}
		else {
			what = kind();
		}
		return "task " + this.task.id() + ": " + what;
	}

	static String kindOf(Task task) {
		return (task.work() instanceof RdapQuery) ? Protocol.CAPABILITY_RDAP : Protocol.CAPABILITY_WHOIS;
	}
}
