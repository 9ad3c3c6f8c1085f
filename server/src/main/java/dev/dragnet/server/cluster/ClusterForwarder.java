package dev.dragnet.server.cluster;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import dev.dragnet.server.dispatch.DispatchProperties;
import dev.dragnet.server.dispatch.DispatchRequest;
import dev.dragnet.server.dispatch.Dispatched;
import dev.dragnet.server.dispatch.ForwardException;
import dev.dragnet.server.dispatch.TaskForwarder;
import dev.dragnet.server.schedule.Lane;
import io.netty.channel.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Forwards lookups this instance cannot place to another instance over HTTP ({@code POST /internal/cluster/tasks}
 * with the cluster secret), where that instance's own dispatcher and frontier run them. Which instances could:
 * those whose effective probes ({@link FleetProbes}) include one with the capability that is not excluded, the
 * one with most first. Without {@code dragnet.cluster.secret} nothing is forwarded.
 *
 * <p>The call's deadline covers the wait the lookup's lane accepts and every attempt there, plus a margin: it is
 * the bound for an instance that stops answering without closing the connection. A call that never reached the
 * instance (connection refused, too many lookups forwarded to it already) is a refusal; one lost after it was
 * sent is an attempt lost, and the dispatcher retries elsewhere.
 */
@Component
class ClusterForwarder implements TaskForwarder {

	private static final Logger logger = LoggerFactory.getLogger(ClusterForwarder.class);

	private static final Duration MARGIN = Duration.ofSeconds(10);

	private final ClusterMembership membership;

	private final ClusterSecret secret;

	private final FleetProbes fleet;

	private final PeerClient client;

	private final DispatchProperties dispatch;

	ClusterForwarder(ClusterMembership membership, ClusterSecret secret, FleetProbes fleet, PeerClient client,
			DispatchProperties dispatch) {
		this.membership = membership;
		this.secret = secret;
		this.fleet = fleet;
		this.client = client;
		this.dispatch = dispatch;
	}

	@Override
	public List<String> peersFor(String capability, Set<String> excludedProbes) {
		if (!this.secret.configured()) {
			return List.of();
		}
		List<String> reachable = this.membership.peers()
			.stream()
			.filter((member) -> member.url() != null)
			.map(ClusterMembership.Member::id)
			.toList();
		return this.fleet.instancesFor(capability, excludedProbes).stream().filter(reachable::contains).toList();
	}

	@Override
	public int probesFor(String capability, Set<String> excludedProbes) {
		return this.secret.configured() ? this.fleet.probesFor(capability, excludedProbes) : 0;
	}

	@Override
	public Mono<Dispatched> forward(String peer, DispatchRequest request, Lane lane, Duration maxWait) {
		URI url = this.membership.peers()
			.stream()
			.filter((member) -> member.id().equals(peer) && member.url() != null)
			.map(ClusterMembership.Member::url)
			.findFirst()
			.orElse(null);
		if (url == null) {
			return Mono.error(ForwardException.refused(peer, "it is no longer a live member", Duration.ofSeconds(1)));
		}
		ForwardedTask task = new ForwardedTask(this.membership.id(), request.capability(), request.target(),
				request.work(), List.copyOf(request.avoid()), lane.bulk(), maxWait.toMillis(), lane.fresh());
		Duration deadline = maxWait.plus(this.dispatch.attemptTimeout().multipliedBy(this.dispatch.maxAttempts() + 1))
			.plus(MARGIN);
		return this.client.forward(url, task, deadline)
			.onErrorMap((ex) -> failed(peer, deadline, ex))
			.flatMap((reply) -> answered(peer, reply));
	}

	private static Mono<Dispatched> answered(String peer, ForwardReply reply) {
		return switch (reply.outcome()) {
			case ForwardReply.DONE -> (reply.dispatched() != null) ? Mono.just(reply.dispatched())
					: Mono.error(ForwardException.lost(peer, "it answered DONE without an answer"));
			case ForwardReply.REFUSED -> Mono.error(ForwardException.refused(peer,
					(reply.detail() != null) ? reply.detail() : "no probe there could take it",
					Duration.ofMillis(Math.max(0, reply.retryAfterMillis()))));
			case ForwardReply.EXHAUSTED -> Mono.error(ForwardException.exhausted(peer,
					(reply.attempts() != null) ? reply.attempts() : List.of()));
			default -> Mono.error(ForwardException.lost(peer, "it answered an unknown outcome '" + reply.outcome() + "'"));
		};
	}

	private static Throwable failed(String peer, Duration deadline, Throwable ex) {
		if (ex instanceof ConnectException || ex instanceof ConnectTimeoutException) {
			return ForwardException.refused(peer, "it could not be reached (" + ex.getMessage() + ")", Duration.ofSeconds(1));
		}
		// Reactor Netty's pool is shaded inside it: its refusal is known by name only.
		if ("PoolAcquirePendingLimitException".equals(ex.getClass().getSimpleName())) {
			return ForwardException.refused(peer, "too many lookups are forwarded to it already", Duration.ofSeconds(1));
		}
		if (ex instanceof PeerClient.PeerCallException call && call.status() == 401) {
			logger.warn("instance {} refused this instance's cluster secret: every instance needs the same "
					+ "dragnet.cluster.secret ({})", peer, call.getMessage());
			return ForwardException.refused(peer, "it refused this instance's cluster secret", Duration.ofSeconds(10));
		}
		if (ex instanceof TimeoutException) {
			return ForwardException.lost(peer, "no answer within " + deadline.toSeconds() + "s");
		}
		return ForwardException.lost(peer, "the call failed: " + ex);
	}
}
