package dev.dragnet.server.campaign;

import java.util.ArrayList;
import java.util.List;

import dev.dragnet.net.Ipv4Range;
import dev.dragnet.protocol.source.SourceCatalogue;
import org.jspecify.annotations.Nullable;

/**
 * A campaign as asked for, checked before anything is stored: every range parses, none is reserved space,
 * none overlaps another, the total is within {@code dragnet.campaigns.max-addresses}, and the block size is
 * sane. Each refusal says what to change.
 */
record CampaignPlan(String name, List<PlannedRange> ranges, int blockSize, List<String> sources, boolean verify,
		long totalIps, int totalBlocks) {

	/** Space no reverse-IP source can say anything about: "this network", loopback, multicast and reserved. */
	private static final List<String> UNROUTABLE = List.of("0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3");

	/** One range as given: its text, where it was (1-based line or list position) and its owner, if named. */
	record RangeLine(String text, int position, @Nullable String organisation) {
	}

	/** A checked range. */
	record PlannedRange(Ipv4Range range, @Nullable String organisation) {
	}

	static CampaignPlan of(@Nullable String name, List<RangeLine> lines, @Nullable Integer blockSize,
			@Nullable List<String> sources, @Nullable Boolean verify, CampaignProperties limits) {
		String checkedName = name(name);
		int size = blockSize(blockSize, limits);
		List<String> checkedSources = sources(sources);
		if (lines.isEmpty()) {
			throw invalid("invalid-range", "No ranges", "a campaign needs at least one range (CIDR, a-b or one address)");
		}
		if (lines.size() > limits.maxRanges()) {
			throw invalid("campaign-too-large", "Too many ranges", lines.size() + " ranges; at most "
					+ limits.maxRanges() + " (dragnet.campaigns.max-ranges)");
		}
		List<PlannedRange> ranges = new ArrayList<>(lines.size());
		long total = 0;
		long blocks = 0;
		for (RangeLine line : lines) {
			Ipv4Range range = parse(line);
			if (range.size() > limits.maxAddresses()) {
				throw tooLarge(line.text() + " alone covers " + range.size(), limits);
			}
			checkRoutable(line, range);
			total += range.size();
			blocks += (range.size() + size - 1) / size;
			ranges.add(new PlannedRange(range, line.organisation()));
		}
		if (total > limits.maxAddresses()) {
			throw tooLarge("the ranges cover " + total, limits);
		}
		List<Ipv4Range> overlap = Ipv4Range.firstOverlap(ranges.stream().map(PlannedRange::range).toList());
		if (!overlap.isEmpty()) {
			throw invalid("overlapping-ranges", "Overlapping ranges", overlap.get(0) + " and " + overlap.get(1)
					+ " overlap; list every address once");
		}
		return new CampaignPlan(checkedName, List.copyOf(ranges), size, checkedSources, Boolean.TRUE.equals(verify),
				total, (int) blocks);
	}

	private static String name(@Nullable String name) {
		if (name == null || name.isBlank()) {
			throw invalid("invalid-campaign", "No name", "a campaign needs a name");
		}
		String trimmed = name.strip();
		if (trimmed.length() > 200 || trimmed.chars().anyMatch(Character::isISOControl)) {
			throw invalid("invalid-campaign", "Bad name", "a campaign name is at most 200 characters, without control characters");
		}
		return trimmed;
	}

	private static int blockSize(@Nullable Integer blockSize, CampaignProperties limits) {
		int size = (blockSize != null) ? blockSize : limits.defaultBlockSize();
		if (size < limits.minBlockSize() || size > limits.maxBlockSize()) {
			throw invalid("invalid-campaign", "Bad block size", "block size " + size + " is outside "
					+ limits.minBlockSize() + "-" + limits.maxBlockSize());
		}
		return size;
	}

	private static List<String> sources(@Nullable List<String> sources) {
		if (sources == null) {
			return List.of();
		}
		for (String source : sources) {
			if (source == null || !SourceCatalogue.isValidName(source)) {
				throw invalid("invalid-campaign", "Bad source name", "source names are lower-case letters, digits,"
						+ " dots, underscores and hyphens, not '" + source + "'");
			}
		}
		return List.copyOf(sources);
	}

	private static Ipv4Range parse(RangeLine line) {
		try {
			return Ipv4Range.parse(line.text());
		}
		catch (IllegalArgumentException ex) {
			throw invalid("invalid-range", "Invalid range", "range " + line.position() + ": " + ex.getMessage()
					+ " (write a CIDR like 192.0.2.0/24, a range like 192.0.2.10-192.0.2.99, or one address)");
		}
	}

	private static void checkRoutable(RangeLine line, Ipv4Range range) {
		for (String reserved : UNROUTABLE) {
			if (range.overlaps(Ipv4Range.parse(reserved))) {
				throw invalid("invalid-range", "Reserved address space", "range " + line.position() + " (" + range
						+ ") reaches into " + reserved + ", which hosts no web sites; leave it out");
			}
		}
	}

	private static CampaignProblems.InvalidCampaign tooLarge(String what, CampaignProperties limits) {
		return invalid("campaign-too-large", "Campaign too large", what + " addresses; one campaign may cover at most "
				+ limits.maxAddresses() + " (dragnet.campaigns.max-addresses); split it into several campaigns");
	}

	private static CampaignProblems.InvalidCampaign invalid(String slug, String title, String detail) {
		return new CampaignProblems.InvalidCampaign(slug, title, detail);
	}
}
