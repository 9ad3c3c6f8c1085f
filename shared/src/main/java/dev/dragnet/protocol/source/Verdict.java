package dev.dragnet.protocol.source;

/**
 * Why a source refused to answer, as far as a probe can tell. Drives how long the source cools down on the probe and
 * whether another probe should try.
 */
public enum Verdict {

	/** B1: the daily (or monthly) quota of this address is used up; it resets on the site's schedule. */
	QUOTA,

	/** B2: too many requests in a short window (HTTP 429 and the like); a short wait helps. */
	THROTTLED,

	/** B4: a captcha or an expired session ("page visit limit"); waiting alone may not help. */
	CAPTCHA,

	/** B3: a firewall block page or an anti-bot challenge (Cloudflare's "Sorry, you have been blocked", "Just a moment..."). */
	FIREWALL,

	/** B6: the site wants what only a browser sends (headers, a JavaScript-computed token); the definition needs work. */
	NEEDS_BROWSER,

	/** B5: a silent ban, seen as a canary address that is known to host names answering none. */
	BANNED,

	/** A keyed service refused the API key (missing, wrong or expired): waiting will not help, the key needs fixing. */
	KEY_REFUSED

}
