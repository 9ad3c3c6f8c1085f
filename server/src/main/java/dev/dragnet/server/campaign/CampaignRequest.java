package dev.dragnet.server.campaign;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The JSON body of {@code POST /api/campaigns}.
 *
 * @param name what to call it
 * @param ranges CIDRs ({@code 192.0.2.0/24}), dash ranges ({@code 192.0.2.10-192.0.2.99}) or single addresses
 * @param blockSize addresses per work block (default {@code dragnet.campaigns.default-block-size})
 * @param sources reverse-IP sources to use, in order: enabled stored sources and the built-in {@code ptr} (default
 * every enabled stored source; {@code ptr} only when named)
 * @param verify forward-resolve each domain found and mark it verified or failed
 */
record CampaignRequest(@Nullable String name, @Nullable List<String> ranges, @Nullable Integer blockSize,
		@Nullable List<String> sources, @Nullable Boolean verify) {
}
