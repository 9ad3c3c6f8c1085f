package dev.dragnet.server.campaign;

import java.time.Instant;

/**
 * A campaign moved to another state, as {@link CampaignEvents#changes()} publishes it.
 *
 * @param campaign the campaign as it stands right after the change, with its progress
 * @param at when the server saw the change
 */
public record CampaignStateChange(CampaignView campaign, Instant at) {

	/** The state the campaign is in now. */
	public CampaignState state() {
		return this.campaign.state();
	}

	/** Whether the campaign ended by itself: every block done ({@code DONE}) or every block failed ({@code FAILED}). */
	public boolean finished() {
		return state() == CampaignState.DONE || state() == CampaignState.FAILED;
	}
}
