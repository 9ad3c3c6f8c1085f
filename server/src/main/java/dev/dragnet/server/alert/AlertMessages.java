package dev.dragnet.server.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.dragnet.server.campaign.CampaignState;
import dev.dragnet.server.campaign.CampaignStateChange;
import dev.dragnet.server.campaign.CampaignView;
import dev.dragnet.server.probe.ProbeStateChange;

/** Writes alerts as a person reads them: a subject that says it all, and a plain-text body with the details. */
final class AlertMessages {

	/** Items (tasks, blocks, probes) one message lists at most; a count gives the rest. */
	static final int MAX_LISTED = 20;

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final String prefix;

	AlertMessages(String prefix) {
		this.prefix = prefix.isBlank() ? "" : prefix.strip() + " ";
	}

	/** One detection round: every probe that went down, with why and what it was doing, and their count. */
	Alert probesDown(List<ProbeWatch.Detection> round, Instant at) {
		List<String> names = round.stream().map((d) -> d.change().probe()).toList();
		String subject = this.prefix + count(round.size(), "probe") + " down: " + listed(names, 5);
		StringBuilder body = new StringBuilder();
		body.append(count(round.size(), "probe")).append((round.size() == 1)
				? " became ineffective: it gets no work until it reconnects, and its work went to other probes.\n"
				: " became ineffective: they get no work until they reconnect, and their work went to other probes.\n");
		for (ProbeWatch.Detection detection : round.subList(0, Math.min(MAX_LISTED, round.size()))) {
			body.append('\n').append(describe(detection));
		}
		more(body, round.size(), "probe");
		body.append("\nYou get no further message while these probes stay down, and one when each comes back.\n");
		return new Alert(Alert.Kind.PROBES_DOWN, at, subject, body.toString(), names);
	}

	private static String describe(ProbeWatch.Detection detection) {
		ProbeStateChange change = detection.change();
		StringBuilder text = new StringBuilder();
		text.append(change.probe()).append(" at ").append(change.remoteAddress()).append('\n');
		line(text, "down since", TIME.format(change.at()));
		line(text, "last seen", TIME.format(change.lastSeen()) + " (" + ago(change.lastSeen(), change.at())
				+ " before)");
		line(text, "reason", String.valueOf(change.reason()));
		if (!change.wasBusy()) {
			line(text, "was doing", "nothing: no task in flight, no campaign block");
		}
		else {
			line(text, "was doing", count(change.tasks().size(), "task") + " in flight, "
					+ count(change.blocks().size(), "campaign block") + " (all handed over)");
			items(text, change.tasks());
			items(text, change.blocks());
		}
		if (detection.flapping()) {
			line(text, "flapping", "down " + detection.downs() + " times this digest period; "
					+ "its changes go to the digest until the period ends");
		}
		return text.toString();
	}

	/** A probe that was reported down is back. */
	Alert probeRecovered(ProbeStateChange back, ProbeStateChange wentDown) {
		String subject = this.prefix + "probe " + back.probe() + " is back";
		String body = back.probe() + " at " + back.remoteAddress() + " is effective again since "
				+ TIME.format(back.at()) + ", after " + ago(wentDown.at(), back.at()) + " down.\n\n"
				+ "It went down at " + TIME.format(wentDown.at()) + ": " + wentDown.reason() + ".\n";
		return new Alert(Alert.Kind.PROBE_RECOVERED, back.at(), subject, body, List.of(back.probe()));
	}

	/** The probes that flapped during the digest period that just ended. */
	Alert digest(List<ProbeWatch.Flapper> flapped, Duration period, Instant at) {
		List<String> names = flapped.stream().map(ProbeWatch.Flapper::probe).toList();
		String subject = this.prefix + "digest: " + count(flapped.size(), "flapping probe") + ": " + listed(names, 5);
		StringBuilder body = new StringBuilder();
		body.append(count(flapped.size(), "probe")).append(" went down more often than the threshold in the ")
			.append(ago(at.minus(period), at)).append(" up to ").append(TIME.format(at))
			.append(". Their changes were left out of the individual messages.\n\n");
		for (ProbeWatch.Flapper flapper : flapped.subList(0, Math.min(MAX_LISTED, flapped.size()))) {
			body.append(flapper.probe()).append(" at ").append(flapper.last().remoteAddress()).append('\n');
			line(body, "went down", flapper.downs() + " times");
			line(body, "last down", TIME.format(flapper.last().at()) + ": " + flapper.last().reason());
			line(body, "now", flapper.stillDown() ? "down (you get a message when it comes back)" : "effective");
			body.append('\n');
		}
		more(body, flapped.size(), "probe");
		return new Alert(Alert.Kind.FLAPPING_DIGEST, at, subject, body.toString(), names);
	}

	/** A campaign ended by itself: DONE or FAILED. */
	Alert campaignEnded(CampaignStateChange change) {
		CampaignView campaign = change.campaign();
		boolean done = change.state() == CampaignState.DONE;
		CampaignView.Failures failures = campaign.failures();
		String subject = this.prefix + "campaign " + campaign.id() + " '" + campaign.name() + "' "
				+ (!done ? "failed" : (failures != null) ? "is done with " + failures.ips() + " addresses failed"
						: "is done");
		CampaignView.Progress progress = campaign.progress();
		StringBuilder body = new StringBuilder();
		body.append("Campaign ").append(campaign.id()).append(" '").append(campaign.name()).append("' ended ")
			.append(change.state())
			.append(!done ? ": every block failed.\n\n" : (failures != null)
					? ", but " + failures.blocks() + " block(s) with " + failures.ips() + " addresses FAILED: no answer "
							+ "was stored for them. POST /api/campaigns/" + campaign.id() + "/retry-failed runs them again.\n\n"
					: ": no block is left to do.\n\n");
		line(body, "addresses", progress.ips().done() + " done, " + progress.ips().failed() + " failed, of "
				+ campaign.totalIps());
		line(body, "blocks", progress.blocks().done() + " done, " + progress.blocks().failed() + " failed, of "
				+ campaign.totalBlocks());
		line(body, "domains found", Long.toString(progress.domainsFound()));
		if (campaign.startedAt() != null) {
			line(body, "started", TIME.format(campaign.startedAt()));
		}
		line(body, "ended", TIME.format((campaign.finishedAt() != null) ? campaign.finishedAt() : change.at()));
		if (failures != null && !failures.reasons().isEmpty()) {
			body.append("\nWhy blocks failed (most frequent first):\n");
			failures.reasons().forEach((reason) -> body.append("  - ").append(reason).append('\n'));
		}
		body.append("\nDetails: GET /api/campaigns/").append(campaign.id()).append("; results: GET /api/campaigns/")
			.append(campaign.id()).append("/results.csv\n");
		return new Alert(done ? Alert.Kind.CAMPAIGN_DONE : Alert.Kind.CAMPAIGN_FAILED, change.at(), subject,
				body.toString(), List.of(Long.toString(campaign.id())));
	}

	private static void line(StringBuilder text, String label, String value) {
		text.append("  ").append(label).append(':').append(" ".repeat(Math.max(1, 15 - label.length())))
			.append(value).append('\n');
	}

	private static void items(StringBuilder text, List<String> items) {
		items.subList(0, Math.min(MAX_LISTED, items.size())).forEach((item) -> text.append("    ").append(item).append('\n'));
		if (items.size() > MAX_LISTED) {
			text.append("    and ").append(items.size() - MAX_LISTED).append(" more\n");
		}
	}

	private static void more(StringBuilder text, int total, String what) {
		if (total > MAX_LISTED) {
			text.append("\nand ").append(count(total - MAX_LISTED, what)).append(" more, not listed here.\n");
		}
	}

	private static String count(int n, String what) {
		return n + " " + what + ((n == 1) ? "" : "s");
	}

	private static String listed(List<String> names, int max) {
		String shown = String.join(", ", names.subList(0, Math.min(max, names.size())));
		return (names.size() > max) ? shown + " and " + (names.size() - max) + " more" : shown;
	}

	/** {@code 3m 12s}, {@code 2h 5m}, {@code 45s}. */
	static String ago(Instant from, Instant to) {
		long seconds = Math.max(0, Duration.between(from, to).toSeconds());
		if (seconds < 60) {
			return seconds + "s";
		}
		if (seconds < 3600) {
			return (seconds / 60) + "m " + (seconds % 60) + "s";
		}
		return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
	}
}
