package dev.dragnet.server.campaign;

import java.util.Set;

import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The client-visible errors of campaigns. */
final class CampaignProblems {

	private CampaignProblems() {
	}

	/** A campaign that cannot be created as asked: bad ranges, overlaps, too large, bad block size. */
	static final class InvalidCampaign extends ProblemException {

		InvalidCampaign(String slug, String title, String detail) {
			super(HttpStatus.BAD_REQUEST, slug, title, detail);
		}
	}

	static final class UnknownCampaign extends ProblemException {

		UnknownCampaign(long id) {
			super(HttpStatus.NOT_FOUND, "unknown-campaign", "No such campaign", "there is no campaign " + id);
		}
	}

	/** A control action that does not apply in the campaign's state (pause a campaign that is not running). */
	static final class InvalidTransition extends ProblemException {

		InvalidTransition(long id, String action, CampaignState state) {
			this(id, action, state, CampaignState.from(action));
		}

		InvalidTransition(long id, String action, CampaignState state, Set<CampaignState> applies) {
			super(HttpStatus.CONFLICT, "invalid-transition", "Not possible in this state", "campaign " + id + " is "
					+ state + "; '" + action + "' applies only to " + applies + " campaigns");
		}
	}

	/** {@code retry-failed} on a campaign with no failed block. */
	static final class NoFailedBlocks extends ProblemException {

		NoFailedBlocks(long id) {
			super(HttpStatus.CONFLICT, "no-failed-blocks", "No failed block",
					"campaign " + id + " has no FAILED block to retry");
		}
	}
}
