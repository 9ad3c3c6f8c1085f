package dev.dragnet.server.live;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One sample of the state, as {@link LiveSampler} reads it for {@link LiveFeed}.
 *
 * @param parts the state parts by event name ({@code fleet}, {@code whois}, {@code campaigns}, {@code database}), in
 * the order they are sent; each replaces the previous one of its name
 * @param changes what changed among the probes since the previous sample (the {@code probes-changed} event), or
 * null when nothing did; these are kept as a short log, not replaced
 */
record LiveSample(Map<String, Object> parts, @Nullable Object changes) {

	LiveSample(Map<String, Object> parts) {
		this(parts, null);
	}
}
