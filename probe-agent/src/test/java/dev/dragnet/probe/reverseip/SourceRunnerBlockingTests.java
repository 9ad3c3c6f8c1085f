package dev.dragnet.probe.reverseip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.Verdict;
import dev.dragnet.testbed.reverseip.Blocking;
import dev.dragnet.testbed.reverseip.FakeSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.dragnet.probe.reverseip.Lookups.DEADLINE;
import static dev.dragnet.probe.reverseip.Lookups.answer;
import static dev.dragnet.probe.reverseip.Lookups.expected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How each blocking form of {@code REVERSE-IP-NOTES.md} reads: B1-B4, B6, B7, B8 and B10 (B5 is {@link CanaryCheckTests}). */
class SourceRunnerBlockingTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(7);

	private static final String SMALL = WORLD.firstAddressOf(Tier.SMALL, "198.51.100.1");

	private static final String EMPTY = WORLD.firstAddressOf(Tier.EMPTY, "198.51.100.1");

	private static final String SHARED = WORLD.firstAddressOf(Tier.SHARED, "198.51.100.1");

	private final SourceRunner runner = new SourceRunner(true, new HostPacer(), "dragnet-test");

	private final List<FakeSite<?>> sites = new ArrayList<>();

	@AfterEach
	void closeSites() {
		this.sites.forEach(FakeSite::close);
	}

	// ---- B1 quota -----------------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(value = Family.class, names = "CHINESE_LIST", mode = EnumSource.Mode.EXCLUDE)
	void b1TheQuotaTextIsAQuotaBlock(Family family) {
		FakeSite<?> site = start(family).quota(1);
		SourceDefinition source = family.definitionFor(site);
		assertThat(lookup(source, SMALL).status()).isEqualTo(Status.FOUND);
		SourceAnswer over = lookup(source, SMALL);
		assertBlocked(over, Verdict.QUOTA);
		assertThat(over.requests()).isEqualTo(1);
	}

	// ---- B2 throttling ------------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Family.class)
	void b2A429IsThrottlingWithTheWaitItNames(Family family) {
		FakeSite<?> site = start(family).behaviour(Blocking.tooManyRequestsWithRetryAfter(1, Duration.ofSeconds(60)));
		SourceDefinition source = family.definitionFor(site);
		assertThat(lookup(source, SMALL).status()).isEqualTo(Status.FOUND);
		SourceAnswer throttled = lookup(source, SMALL);
		assertBlocked(throttled, Verdict.THROTTLED);
		assertThat(throttled.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
	}

	@Test
	void b2A429WithoutRetryAfterHasNoWait() {
		FakeSite<?> site = start(Family.PLAIN_TEXT).behaviour(Blocking.tooManyRequests(0, Duration.ofSeconds(60)));
		SourceAnswer throttled = lookup(Family.PLAIN_TEXT.definitionFor(site), SMALL);
		assertBlocked(throttled, Verdict.THROTTLED);
		assertThat(throttled.retryAfter()).isNull();
	}

	// ---- B3 firewall and challenge ------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Family.class)
	void b3FirewallAndChallengePagesAreFirewallBlocks(Family family) {
		FakeSite<?> site = start(family).behaviour(Blocking.firewall(0));
		assertBlocked(lookup(family.definitionFor(site), SMALL), Verdict.FIREWALL);
		site.withoutBehaviour(Blocking.Kind.FIREWALL).behaviour(Blocking.challenge(0));
		SourceAnswer challenged = lookup(family.definitionFor(site), SMALL);
		assertBlocked(challenged, Verdict.FIREWALL);
		assertThat(challenged.detail()).contains("Just a moment");
	}

	// ---- B4 captcha and session limits --------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Family.class)
	void b4CaptchaAndPageVisitLimitAreCaptchaBlocks(Family family) {
		FakeSite<?> site = start(family).behaviour(Blocking.captcha(0));
		assertBlocked(lookup(family.definitionFor(site), SMALL), Verdict.CAPTCHA);
		site.withoutBehaviour(Blocking.Kind.CAPTCHA).behaviour(Blocking.pageVisitLimit(0));
		assertBlocked(lookup(family.definitionFor(site), SMALL), Verdict.CAPTCHA);
	}

	@Test
	void b4ASessionEndingMidWalkKeepsTheEarlierPagesMarkedTruncated() {
		FakeSite<?> site = start(Family.PAGED_TABLE).behaviour(Blocking.pageVisitLimit(1));
		SourceAnswer answer = lookup(Family.PAGED_TABLE.definitionFor(site), SHARED);
		assertThat(answer.status()).isEqualTo(Status.BLOCKED);
		assertThat(answer.blockedAs()).isEqualTo(Verdict.CAPTCHA);
		assertThat(answer.truncated()).isTrue();
		assertThat(answer.domains()).hasSize(100).isSubsetOf(WORLD.domainsOf(SHARED));
		assertThat(answer.requests()).isEqualTo(2);
	}

	// ---- B6 header gates ----------------------------------------------------------------------------------

	@Test
	void b6TheJsonSiteWithoutItsXhrHeadersNeedsABrowser() {
		FakeSite<?> site = start(Family.FORM_JSON);
		SourceDefinition source = Family.FORM_JSON.definitionFor(site);
		assertThat(lookup(source, SMALL).status()).as("the built-in definition passes the gate").isEqualTo(Status.FOUND);
		assertBlocked(lookup(source.withRequest(source.request().withHeader("X-Requested-With", "")), SMALL),
				Verdict.NEEDS_BROWSER);
		SourceAnswer noOrigin = lookup(source.withRequest(source.request().withHeader("Origin", "")
			.withHeader("Referer", "")), SMALL);
		assertBlocked(noOrigin, Verdict.NEEDS_BROWSER);
		assertThat(noOrigin.detail()).contains("Invalid request origin");
	}

	@Test
	void b6TheListSiteWithoutRefererNeedsABrowser() {
		FakeSite<?> site = start(Family.CHINESE_LIST);
		SourceDefinition source = Family.CHINESE_LIST.definitionFor(site);
		assertThat(lookup(source, SMALL).status()).isEqualTo(Status.FOUND);
		assertBlocked(lookup(source.withRequest(source.request().withHeader("Referer", "")), SMALL),
				Verdict.NEEDS_BROWSER);
	}

	@ParameterizedTest
	@EnumSource(value = Family.class, names = { "PAGED_TABLE", "SEARCH_RESULTS" })
	void b6ABrowserGateTurningAwayAToolNeedsABrowser(Family family) {
		FakeSite<?> site = start(family).behaviour(Blocking.headerGate());
		SourceDefinition source = family.definitionFor(site);
		assertThat(lookup(source, SMALL).status()).isEqualTo(Status.FOUND);
		SourceAnswer refused = lookup(source.withRequest(source.request().withHeader("User-Agent", "curl/8.5")), SMALL);
		assertBlocked(refused, Verdict.NEEDS_BROWSER);
		assertThat(site.requests().get(1).header("User-Agent")).isEqualTo("curl/8.5");
	}

	// ---- B7 truncation ------------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(value = Family.class, names = { "FORM_JSON", "PAGED_TABLE", "SEARCH_RESULTS" })
	void b7ACappedAnswerWhoseTotalIsShownIsTruncated(Family family) {
		FakeSite<?> site = start(family).behaviour(Blocking.truncate(30));
		SourceAnswer answer = lookup(family.definitionFor(site), SHARED);
		assertThat(answer.status()).as(answer.detail()).isEqualTo(Status.FOUND);
		assertThat(answer.truncated()).isTrue();
		assertThat(answer.detail()).contains("shows");
		assertThat(answer.domains()).isSubsetOf(WORLD.domainsOf(SHARED)).hasSizeLessThan(WORLD.domainCount(SHARED));
	}

	@Test
	void b7ThePageCapWithMorePagesToComeIsTruncation() {
		FakeSite<?> site = start(Family.PAGED_TABLE);
		SourceAnswer answer = lookup(Family.PAGED_TABLE.definitionFor(site).withLimits(1, 10_000), SHARED);
		assertThat(answer.truncated()).isTrue();
		assertThat(answer.domains()).hasSize(100);
		assertThat(answer.requests()).isEqualTo(1);
	}

	@Test
	void b7TheResultCapLeavesNamesOutAndSaysSo() {
		FakeSite<?> site = start(Family.FORM_JSON);
		SourceAnswer answer = lookup(Family.FORM_JSON.definitionFor(site).withLimits(1, 50), SHARED);
		assertThat(answer.truncated()).isTrue();
		assertThat(answer.domains()).hasSizeLessThanOrEqualTo(50).isSubsetOf(WORLD.domainsOf(SHARED));
	}

	// ---- B8 transport faults ------------------------------------------------------------------------------

	@Test
	void b8AStallPastTheDeadlineIsATimeout() {
		FakeSite<?> site = start(Family.PLAIN_TEXT).behaviour(Blocking.stall(Duration.ofSeconds(5), 1, 1));
		SourceAnswer answer = answer(this.runner.lookup(Family.PLAIN_TEXT.definitionFor(site), SMALL,
				Duration.ofMillis(500)));
		assertThat(answer.status()).isEqualTo(Status.TIMEOUT);
		assertThat(answer.domains()).isEmpty();
		assertThat(answer.detail()).contains("500 ms");
	}

	@Test
	void b8ServerErrorsAreRetryableErrors() {
		FakeSite<?> site = start(Family.PAGED_TABLE).behaviour(Blocking.serverErrors(1, 2));
		SourceAnswer failed = lookup(Family.PAGED_TABLE.definitionFor(site), SMALL);
		assertThat(failed.status()).isEqualTo(Status.ERROR);
		assertThat(failed.detail()).containsPattern("HTTP 50[024]").contains("retryable");
		assertThat(lookup(Family.PAGED_TABLE.definitionFor(site), SMALL).status()).as("the burst is over")
			.isEqualTo(Status.FOUND);
	}

	@Test
	void b8AResetIsAnError() {
		FakeSite<?> site = start(Family.FORM_JSON).behaviour(Blocking.connectionReset(1, 1));
		SourceAnswer failed = lookup(Family.FORM_JSON.definitionFor(site), SMALL);
		assertThat(failed.status()).as(failed.detail()).isEqualTo(Status.ERROR);
		assertThat(failed.domains()).isEmpty();
	}

	@Test
	void b8ABodyCutShortIsAnErrorNotAShortAnswer() {
		FakeSite<?> site = start(Family.PLAIN_TEXT).behaviour(Blocking.cutShort(1, 1));
		SourceAnswer failed = lookup(Family.PLAIN_TEXT.definitionFor(site), SHARED);
		assertThat(failed.status()).as(failed.detail()).isEqualTo(Status.ERROR);
		assertThat(failed.detail()).contains("closed before the answer was complete");
		assertThat(failed.domains()).isEmpty();
	}

	@Test
	void b8ARedirectToTheHomePageIsAnError() {
		FakeSite<?> site = start(Family.CHINESE_LIST).behaviour(Blocking.redirectHome(1, 1));
		SourceAnswer failed = lookup(Family.CHINESE_LIST.definitionFor(site), SMALL);
		assertThat(failed.status()).isEqualTo(Status.ERROR);
		assertThat(failed.detail()).contains("home page");
		assertThat(site.requests()).hasSize(1);
	}

	@Test
	void b8AnAnswerOverTheByteCapIsAnError() {
		FakeSite<?> site = start(Family.PLAIN_TEXT);
		SourceRunner small = new SourceRunner(true, new HostPacer(), "dragnet-test", 512);
		SourceAnswer failed = answer(small.lookup(Family.PLAIN_TEXT.definitionFor(site), SHARED, DEADLINE));
		assertThat(failed.status()).isEqualTo(Status.ERROR);
		assertThat(failed.detail()).contains("larger than 512 bytes");
	}

	// ---- B10 layout change --------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(Family.class)
	void b10ANewLayoutIsAChangedPageNeverASilentZero(Family family) {
		FakeSite<?> site = start(family).layoutVersion(FakeSite.CHANGED_LAYOUT);
		SourceAnswer answer = lookup(family.definitionFor(site), SMALL);
		assertThat(answer.status()).as(answer.detail()).isEqualTo(Status.PAGE_CHANGED);
		assertThat(answer.domains()).isEmpty();
		assertThat(answer.detail()).contains("layout");
	}

	@ParameterizedTest
	@EnumSource(value = Family.class, names = { "PAGED_TABLE", "CHINESE_LIST" })
	void b10AnEmptyPageInTheNewLayoutIsAChangedPageToo(Family family) {
		FakeSite<?> site = start(family).layoutVersion(FakeSite.CHANGED_LAYOUT);
		assertThat(lookup(family.definitionFor(site), EMPTY).status()).isEqualTo(Status.PAGE_CHANGED);
	}

	@Test
	void aLookupUrlThatIsGoneIsAChangedPage() {
		FakeSite<?> site = start(Family.PLAIN_TEXT);
		SourceDefinition moved = Family.PLAIN_TEXT.definitionFor(site);
		moved = moved.withRequest(new dev.dragnet.protocol.source.SourceRequest("GET",
				site.url("/v2/reverseip?q={ip}"), moved.request().headers(), null));
		assertThat(lookup(moved, SMALL).status()).isEqualTo(Status.PAGE_CHANGED);
	}

	// ---- policy and invariants ----------------------------------------------------------------------------

	@Test
	void withoutPermissionPlainHttpAndLoopbackAreRefusedBeforeAnythingIsSent() {
		FakeSite<?> site = start(Family.PLAIN_TEXT);
		SourceRunner strict = new SourceRunner(false, new HostPacer(), "dragnet-test");
		SourceAnswer plain = answer(strict.lookup(Family.PLAIN_TEXT.definitionFor(site), SMALL, DEADLINE));
		assertThat(plain.status()).isEqualTo(Status.ERROR);
		assertThat(plain.detail()).contains("plain http");
		SourceDefinition https = dev.dragnet.protocol.source.SourceCatalogue.plainText("https://127.0.0.1:"
				+ site.port() + "/");
		SourceAnswer loopback = answer(strict.lookup(https, SMALL, DEADLINE));
		assertThat(loopback.status()).isEqualTo(Status.ERROR);
		assertThat(loopback.detail()).contains("private or loopback");
		assertThat(site.requests()).isEmpty();
		assertThat(plain.requests() + loopback.requests()).isZero();
	}

	@Test
	void somethingThatIsNotAnAddressIsNeverSent() {
		FakeSite<?> site = start(Family.PAGED_TABLE);
		SourceAnswer answer = lookup(Family.PAGED_TABLE.definitionFor(site), "1.2.3.4/../admin");
		assertThat(answer.status()).isEqualTo(Status.ERROR);
		assertThat(site.requests()).isEmpty();
	}

	@Test
	void anAnswerNeverSaysFoundWithoutNames() {
		assertThatThrownBy(() -> new SourceAnswer(Status.FOUND, java.util.Set.of(), null, null, false, 1, null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new SourceAnswer(Status.BLOCKED, java.util.Set.of(), null, null, false, 1, null))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private SourceAnswer lookup(SourceDefinition source, String ip) {
		return answer(this.runner.lookup(source, ip, DEADLINE));
	}

	private static void assertBlocked(SourceAnswer answer, Verdict verdict) {
		assertThat(answer.status()).as(answer.detail()).isEqualTo(Status.BLOCKED);
		assertThat(answer.blockedAs()).as(answer.detail()).isEqualTo(verdict);
		assertThat(answer.domains()).isEmpty();
		assertThat(answer.truncated()).isFalse();
	}

	private FakeSite<?> start(Family family) {
		FakeSite<?> site = family.start(WORLD);
		this.sites.add(site);
		return site;
	}

}
