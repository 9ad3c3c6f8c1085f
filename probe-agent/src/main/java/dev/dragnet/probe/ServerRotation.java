package dev.dragnet.probe;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * The servers a probe takes in turn: round robin, starting from a random one so that a fleet given the same list
 * spreads over the instances instead of all crowding the first. The probe keeps its session with the current
 * server until it ends, then moves on to the next, whatever the reason.
 */
final class ServerRotation {

	private final List<URI> servers;

	private final AtomicInteger index;

	/**
	 * @param servers the servers, at least one
	 * @param random given the number of servers, returns where to start, from 0 to that number less one
	 */
	ServerRotation(List<URI> servers, IntUnaryOperator random) {
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("at least one server is needed");
		}
		this.servers = List.copyOf(servers);
		this.index = new AtomicInteger(Math.floorMod(random.applyAsInt(this.servers.size()), this.servers.size()));
	}

	/** The server to connect to now. */
	URI current() {
		return this.servers.get(this.index.get());
	}

	/** Moves on to the next server, after the last back to the first, and returns it. */
	URI advance() {
		return this.servers.get(this.index.updateAndGet((i) -> (i + 1) % this.servers.size()));
	}

	/** Whether there is more than one server to move on to. */
	boolean several() {
		return this.servers.size() > 1;
	}
}
