package dev.dragnet.testbed.reverseip;

/**
 * The pages every fake site shares: home, 404, and the blocking pages of B2-B4 and B8, shaped as the real ones are
 * (Cloudflare's block and challenge pages, a PHP captcha, nginx error pages).
 */
final class SitePages {

	private SitePages() {
	}

	static SiteAnswer home(String title) {
		return SiteAnswer.html(200, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title)
				+ "</title></head>\n<body><div id=\"home\"><h1>" + escape(title) + "</h1>\n"
				+ "<form action=\"/\" method=\"get\"><input type=\"text\" name=\"q\" placeholder=\"IP address\">"
				+ "<button type=\"submit\">Lookup</button></form></div></body></html>\n");
	}

	static SiteAnswer notFound() {
		return SiteAnswer.html(404, "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found"
				+ "</h1></center><hr><center>nginx</center></body></html>\n");
	}

	/** B3: Cloudflare's block page. */
	static SiteAnswer firewall(String host, String rayId) {
		return SiteAnswer.html(403, "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Attention Required! | Cloudflare"
				+ "</title></head>\n<body><div id=\"cf-wrapper\"><div id=\"cf-error-details\">\n"
				+ "<h1 data-translate=\"block_headline\">Sorry, you have been blocked</h1>\n"
				+ "<h2 class=\"cf-subheadline\">You are unable to access " + escape(host) + "</h2>\n"
				+ "<p>This website is using a security service to protect itself from online attacks.</p>\n"
				+ "<span class=\"cf-footer-item\">Cloudflare Ray ID: <strong class=\"font-semibold\">" + rayId
				+ "</strong></span>\n</div></div></body></html>\n")
			.withHeader("Server", "cloudflare")
			.withHeader("CF-RAY", rayId + "-AMS");
	}

	/** B3: Cloudflare's JavaScript challenge. */
	static SiteAnswer challenge(String rayId) {
		return SiteAnswer.html(503, "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
				+ "<meta http-equiv=\"refresh\" content=\"390\"></head>\n<body><div class=\"main-wrapper\" role=\"main\">"
				+ "<h2 id=\"challenge-running\">Checking if the site connection is secure</h2>\n<noscript>Enable "
				+ "JavaScript and cookies to continue</noscript>\n<script>window._cf_chl_opt={cRay: '" + rayId
				+ "'};</script></div></body></html>\n")
			.withHeader("Server", "cloudflare")
			.withHeader("cf-mitigated", "challenge")
			.withHeader("CF-RAY", rayId + "-AMS");
	}

	/** B4: a PHP captcha that answers 200. */
	static SiteAnswer captcha(String token) {
		return SiteAnswer.html(200, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Human Verification"
				+ "</title></head>\n<body><div class=\"captcha-box\"><h1>Human Verification</h1>\n"
				+ "<p>Please complete the security check to continue.</p>\n<form action=\"/captcha.php\" method=\"post\">"
				+ "<img src=\"/captcha.php?captcha_token=" + token + "\" alt=\"captcha\">\n"
				+ "<input type=\"hidden\" name=\"captcha_token\" value=\"" + token + "\">\n"
				+ "<input type=\"text\" name=\"captcha_code\"><button type=\"submit\">Verify</button></form></div>"
				+ "</body></html>\n");
	}

	/** B4: the session is over. */
	static SiteAnswer pageVisitLimit() {
		return SiteAnswer.html(200, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Limit</title></head>\n"
				+ "<body><div class=\"alert alert-danger\">You have exceeded page visit limit. Please login or try again "
				+ "later.</div></body></html>\n");
	}

	/** B2. */
	static SiteAnswer tooManyRequests() {
		return SiteAnswer.html(429, "<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too "
				+ "Many Requests</h1></center><hr><center>nginx</center></body></html>\n");
	}

	/** B8: an nginx 5xx page. */
	static SiteAnswer serverError(int status) {
		String reason = switch (status) {
			case 500 -> "Internal Server Error";
			case 502 -> "Bad Gateway";
			case 503 -> "Service Temporarily Unavailable";
			default -> "Gateway Time-out";
		};
		return SiteAnswer.html(status, "<html><head><title>" + status + " " + reason + "</title></head><body><center>"
				+ "<h1>" + status + " " + reason + "</h1></center><hr><center>nginx</center></body></html>\n");
	}

	/** {@code text} safe inside HTML text and quoted attributes. */
	static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '<' -> escaped.append("&lt;");
				case '>' -> escaped.append("&gt;");
				case '&' -> escaped.append("&amp;");
				case '"' -> escaped.append("&quot;");
				case '\'' -> escaped.append("&#39;");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
