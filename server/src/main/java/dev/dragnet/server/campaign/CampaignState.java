package dev.dragnet.server.campaign;

import java.util.Map;
import java.util.Set;

/** Where a campaign stands, and which control actions lead where. */
public enum CampaignState {

	CREATED, RUNNING, PAUSED, CANCELLED, DONE, FAILED;

	private static final Map<String, Map<CampaignState, CampaignState>> ACTIONS = Map.of("start",
			Map.of(CREATED, RUNNING), "pause", Map.of(RUNNING, PAUSED), "resume", Map.of(PAUSED, RUNNING), "cancel",
			Map.of(CREATED, CANCELLED, RUNNING, CANCELLED, PAUSED, CANCELLED));

	/** Whether nothing more will happen to the campaign. */
	boolean isOver() {
		return this == CANCELLED || this == DONE || this == FAILED;
	}

	/** The control actions of the API. */
	static Set<String> actions() {
		return ACTIONS.keySet();
	}

	/** The state {@code action} leads to from this one, or null when it does not apply here. */
	CampaignState after(String action) {
		return ACTIONS.getOrDefault(action, Map.of()).get(this);
	}

	/** The states from which {@code action} applies. */
	static Set<CampaignState> from(String action) {
		return ACTIONS.getOrDefault(action, Map.of()).keySet();
	}
}
