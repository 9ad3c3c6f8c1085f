package dev.dragnet.server.whois;

import java.time.Duration;

import dev.dragnet.protocol.Protocol;
import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.AnswerClassifier;
import dev.dragnet.server.whois.parse.WhoisResponseClassifier;
import org.springframework.stereotype.Component;

/**
 * Turns a throttle notice that arrived as an ordinary WHOIS answer into THROTTLED, with the wait it names, and an
 * answer of nothing (the connection closed without a byte, or only white space) into a failed attempt. Used
 * by {@link WhoisChain} and, for lookups another instance forwarded here, by the cluster endpoint: both judge the
 * same way, and the instance whose probe was throttled learns it.
 */
@Component
class WhoisAnswerClassifier implements AnswerClassifier {

	private final WhoisResponseClassifier classifier = new WhoisResponseClassifier();

	@Override
	public String capability() {
		return Protocol.CAPABILITY_WHOIS;
	}

	@Override
	public TaskResult classify(String target, TaskResult result) {
		if (!result.outcome().answered() || result.text() == null) {
			return result;
		}
		if (result.text().isBlank()) {
			// A connection closed with nothing said is no answer: a server that drops a source it bans silently, or
			// one that is broken. Stored, it would be served as an empty record; as a failed attempt, the task goes
			// to another probe, and only when every probe got nothing does the caller get a 504, saying so.
			return result.reclassified(TaskResult.Outcome.ERROR, (result.detail() != null) ? result.detail()
					: "the server answered nothing but white space", null);
		}
		WhoisResponseClassifier.Classification verdict = this.classifier.classify(host(target), result.text());
		if (verdict.kind() != WhoisResponseClassifier.Kind.THROTTLED) {
			return result;
		}
		Duration wait = verdict.retryAfter();
		return result.reclassified(TaskResult.Outcome.THROTTLED, "throttled: " + verdict.evidence(),
				(wait != null) ? wait.toMillis() : null);
	}

	/** The host of a {@code host:port} or {@code [v6]:port} target. */
	static String host(String target) {
		if (target.startsWith("[")) {
			int end = target.indexOf(']');
			return (end > 0) ? target.substring(1, end) : target;
		}
		int colon = target.lastIndexOf(':');
		return (colon > 0) ? target.substring(0, colon) : target;
	}
}
