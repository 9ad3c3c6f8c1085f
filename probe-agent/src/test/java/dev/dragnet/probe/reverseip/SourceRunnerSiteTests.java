package dev.dragnet.probe.reverseip;

import java.util.ArrayList;
import java.util.List;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
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

/**
 * Each built-in definition against its fake site: for addresses of every tier of the world the answer is the world's
 * names, normalised, with and without the B9 data quirks; giant addresses are capped and flagged truncated.
 */
class SourceRunnerSiteTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(42);

	private static final String FROM = "203.0.113.1";

	private final SourceRunner runner = new SourceRunner(true, new HostPacer(), "dragnet-test");

	private final List<FakeSite<?>> sites = new ArrayList<>();

	@AfterEach
	void closeSites() {
		this.sites.forEach(FakeSite::close);
	}

	@ParameterizedTest
	@EnumSource(Family.class)
	void everyTierBelowGiantAnswersTheWorldsNames(Family family) {
		FakeSite<?> site = start(family);
		SourceDefinition source = family.definitionFor(site);
		for (String ip : addresses(Tier.EMPTY, Tier.SMALL, Tier.SHARED)) {
			SourceAnswer answer = answer(this.runner.lookup(source, ip, DEADLINE));
			boolean hosts = WORLD.domainCount(ip) > 0;
			assertThat(answer.status()).as(ip + ": " + answer.detail()).isEqualTo(hosts ? Status.FOUND : Status.NONE);
			assertThat(answer.domains()).as(ip).isEqualTo(expected(WORLD, ip));
			assertThat(answer.truncated()).as(ip).isFalse();
			assertThat(answer.blockedAs()).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(Family.class)
	void theDataQuirksNormaliseToTheSameNames(Family family) {
		FakeSite<?> site = start(family);
		site.behaviour(Blocking.dataQuirks());
		SourceDefinition source = family.definitionFor(site);
		for (String ip : addresses(Tier.EMPTY, Tier.SMALL, Tier.SHARED)) {
			SourceAnswer answer = answer(this.runner.lookup(source, ip, DEADLINE));
			assertThat(answer.domains()).as(ip + ": " + answer.detail()).isEqualTo(expected(WORLD, ip));
			assertThat(answer.status()).isEqualTo(WORLD.domainCount(ip) > 0 ? Status.FOUND : Status.NONE);
			assertThat(answer.truncated()).as(ip).isFalse();
		}
	}

	@ParameterizedTest
	@EnumSource(Family.class)
	void aGiantAddressIsCappedAndFlaggedTruncated(Family family) {
		FakeSite<?> site = start(family);
		String giant = WORLD.firstAddressOf(Tier.GIANT, FROM);
		SourceAnswer answer = answer(this.runner.lookup(family.definitionFor(site), giant, DEADLINE));
		assertThat(answer.status()).as(answer.detail()).isEqualTo(Status.FOUND);
		assertThat(answer.truncated()).isTrue();
		assertThat(answer.detail()).isNotBlank();
		assertThat(answer.domains()).isSubsetOf(WORLD.domainsOf(giant)).hasSizeLessThanOrEqualTo(SourceCatalogue.MAX_RESULTS);
	}

	@ParameterizedTest
	@EnumSource(value = Family.class, names = { "PLAIN_TEXT", "FORM_JSON", "CHINESE_LIST" })
	void aGiantAddressIsCompleteWhenTheCapsAllowIt(Family family) {
		FakeSite<?> site = start(family);
		String giant = WORLD.firstAddressOf(Tier.GIANT, FROM);
		SourceDefinition roomy = family.definitionFor(site).withLimits(1, 20_000);
		SourceAnswer answer = answer(this.runner.lookup(roomy, giant, DEADLINE));
		assertThat(answer.status()).as(answer.detail()).isEqualTo(Status.FOUND);
		assertThat(answer.domains()).isEqualTo(expected(WORLD, giant));
		assertThat(answer.truncated()).isFalse();
		assertThat(answer.requests()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(value = Family.class, names = { "PAGED_TABLE", "SEARCH_RESULTS" })
	void aSharedHostingAddressIsReadPageByPage(Family family) {
		FakeSite<?> site = start(family);
		String shared = WORLD.firstAddressOf(Tier.SHARED, FROM);
		SourceAnswer answer = answer(this.runner.lookup(family.definitionFor(site), shared, DEADLINE));
		assertThat(answer.domains()).isEqualTo(expected(WORLD, shared));
		assertThat(answer.requests()).isGreaterThan(1);
		assertThat(site.requests()).hasSize(answer.requests());
		// Never more pages than needed plus one to see the end.
		int perPage = (family == Family.PAGED_TABLE) ? 100 : 10;
		int rows = WORLD.domainCount(shared) + ((family == Family.SEARCH_RESULTS) ? WORLD.domainCount(shared) / 6 : 0);
		assertThat(answer.requests()).isLessThanOrEqualTo(rows / perPage + 1);
	}

	@Test
	void aSiteThatRefusesConnectionsIsAnErrorInPlainWords() {
		FakeSite<?> site = start(Family.PLAIN_TEXT);
		SourceDefinition source = Family.PLAIN_TEXT.definitionFor(site);
		site.close();
		SourceAnswer answer = answer(this.runner.lookup(source, WORLD.firstAddressOf(Tier.SMALL, FROM), DEADLINE));
		assertThat(answer.status()).isEqualTo(Status.ERROR);
		assertThat(answer.detail()).startsWith("cannot connect while ").contains("Connection refused")
			.doesNotContain("(..)");
	}

	/** Three addresses of each tier (two for shared), odd and even last octets, from {@link #FROM} on. */
	private static List<String> addresses(Tier... tiers) {
		List<String> found = new ArrayList<>();
		for (Tier tier : tiers) {
			String next = FROM;
			int wanted = (tier == Tier.SHARED) ? 2 : 3;
			for (int i = 0; i < wanted; i++) {
				String ip = WORLD.firstAddressOf(tier, next);
				found.add(ip);
				next = ReverseIpWorld.ipv4(ReverseIpWorld.ipv4(ip) + 1);
			}
		}
		return found;
	}

	private FakeSite<?> start(Family family) {
		FakeSite<?> site = family.start(WORLD);
		this.sites.add(site);
		return site;
	}

}
