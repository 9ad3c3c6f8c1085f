package dev.dragnet.protocol;

/**
 * A campaign changed: {@code STARTED} (or resumed: probes begin pulling blocks) or {@code OVER} (done,
 * cancelled or failed: probes stop asking for its blocks).
 */
public record CampaignNotice(long campaignId, String state) implements ServerFrame {

	public static final String STARTED = "STARTED";

	public static final String OVER = "OVER";
}
