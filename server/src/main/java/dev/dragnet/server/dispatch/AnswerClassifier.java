package dev.dragnet.server.dispatch;

import dev.dragnet.protocol.TaskResult;

/**
 * Judges the answers of one capability's tasks from their target alone (a throttle notice in an OK WHOIS text
 * becomes THROTTLED), so that a task forwarded to another instance is judged there exactly as here: the
 * instance whose probe ran it learns the throttle.
 */
public interface AnswerClassifier {

	/** The capability whose answers this judges ({@code whois}). */
	String capability();

	/** The answer as the dispatcher should take it. */
	TaskResult classify(String target, TaskResult result);
}
