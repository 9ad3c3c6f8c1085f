package dev.dragnet.server.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.dragnet.protocol.TaskResult;
import dev.dragnet.server.dispatch.AnswerClassifier;
import dev.dragnet.server.dispatch.AttemptsExhaustedException;
import dev.dragnet.server.dispatch.DispatchRequest;
import dev.dragnet.server.dispatch.NoProbeAvailableException;
import dev.dragnet.server.dispatch.TargetStatistics;
import dev.dragnet.server.dispatch.TaskDispatcher;
import dev.dragnet.server.schedule.Lane;
import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import tools.jackson.core.JacksonException;

/**
 * The endpoints instances call on each other, under {@code /internal/cluster/} and only with the cluster secret
 * ({@link ClusterAuthenticationFilter}); not part of the public API. {@code POST tasks} runs a forwarded lookup
 * through this instance's own dispatcher (never forwarding it again) and answers a {@link ForwardReply};
 * {@code GET stats} answers this instance's own per-server statistics, {@code GET traffic} its last minute of
 * attempts (the status page's WHOIS panel).
 */
@RestController
class ClusterController {

	private final TaskDispatcher dispatcher;

	private final TargetStatistics statistics;

	private final Map<String, AnswerClassifier> classifiers = new HashMap<>();

	private final ClusterCodec codec = new ClusterCodec();

	ClusterController(TaskDispatcher dispatcher, TargetStatistics statistics, List<AnswerClassifier> classifiers) {
		this.dispatcher = dispatcher;
		this.statistics = statistics;
		classifiers.forEach((c) -> this.classifiers.put(c.capability(), c));
	}

	@PostMapping(path = "/internal/cluster/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<byte[]>> run(@RequestBody byte[] body) {
		ForwardedTask task;
		try {
			task = this.codec.task(body);
		}
		catch (JacksonException ex) {
			return Mono.error(new BadForward("the forwarded task is not readable: " + ex.getOriginalMessage()));
		}
		if (task == null || task.work() == null || task.capability() == null || task.target() == null) {
			return Mono.error(new BadForward("the forwarded task lacks its capability, target or work"));
		}
		DispatchRequest request = new DispatchRequest(task.capability(), task.work(), task.target(),
				classifier(task.capability(), task.target()), Set.copyOf((task.avoid() != null) ? task.avoid() : List.of()));
		return this.dispatcher.dispatchForwarded(request)
			.map(ForwardReply::done)
			.onErrorResume(NoProbeAvailableException.class,
					(ex) -> Mono.just(ForwardReply.refused(ex.getMessage(), ex.retryAfter())))
			.onErrorResume(AttemptsExhaustedException.class, (ex) -> Mono.just(ForwardReply.exhausted(ex.attempts())))
			.map((reply) -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.codec.write(reply)))
			.contextWrite(lane(task));
	}

	@GetMapping(path = "/internal/cluster/stats", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> stats() {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.codec.write(this.statistics.snapshot()));
	}

	@GetMapping(path = "/internal/cluster/traffic", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> traffic() {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.codec.write(this.statistics.traffic()));
	}

	private UnaryOperator<TaskResult> classifier(String capability, String target) {
		AnswerClassifier classifier = this.classifiers.get(capability);
		return (classifier == null) ? UnaryOperator.identity() : (result) -> classifier.classify(target, result);
	}

	/** The lane the lookup had on its own instance; a bulk request's lane is named after that instance too. */
	private static Function<Context, Context> lane(ForwardedTask task) {
		return (context) -> {
			Context lane = Lane.maxWait(Duration.ofMillis(Math.max(0, task.maxWaitMillis()))).apply(context);
			if (task.bulk() != null) {
				lane = Lane.bulk(task.origin() + "/" + task.bulk()).apply(lane);
			}
			return task.fresh() ? Lane.freshOnly().apply(lane) : lane;
		};
	}

	/** A forwarded task that cannot be read. */
	static final class BadForward extends ProblemException {

		BadForward(String detail) {
			super(HttpStatus.BAD_REQUEST, "bad-forwarded-task", "Unreadable forwarded task", detail);
		}
	}
}
