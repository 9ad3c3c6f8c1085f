package dev.dragnet.server.web;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * How many of something (bulk requests, port-43 connections) each client holds at once, with a cap per client so
 * that one client cannot take every probe. A client is its remote address. Only clients holding something are
 * kept, so the map is bounded by what is open.
 */
public final class ClientSlots {

	private final int perClient;

	private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

	/** @param perClient slots one client may hold at once; 0 for no limit */
	public ClientSlots(int perClient) {
		if (perClient < 0) {
			throw new IllegalArgumentException("a per-client limit must not be negative");
		}
		this.perClient = perClient;
	}

	/** The client key of a remote address: its IP address, or {@code unknown}. */
	public static String client(@Nullable InetSocketAddress remote) {
		if (remote == null) {
			return "unknown";
		}
		return (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString();
	}

	/** Takes a slot for {@code client}; false, taking nothing, when it already holds its share. */
	public boolean tryTake(String client) {
		boolean[] taken = new boolean[1];
		this.held.compute(client, (key, count) -> {
			int now = (count != null) ? count : 0;
			if (this.perClient > 0 && now >= this.perClient) {
				return count;
			}
			taken[0] = true;
			return now + 1;
		});
		return taken[0];
	}

	/** Gives back a slot taken with {@link #tryTake}. */
	public void release(String client) {
		this.held.computeIfPresent(client, (key, count) -> (count > 1) ? count - 1 : null);
	}

	/** Slots {@code client} holds now. */
	public int held(String client) {
		return this.held.getOrDefault(client, 0);
	}

	/** The cap per client, 0 for none. */
	public int perClient() {
		return this.perClient;
	}
}
