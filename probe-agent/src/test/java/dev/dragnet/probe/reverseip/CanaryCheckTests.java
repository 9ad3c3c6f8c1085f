package dev.dragnet.probe.reverseip;

import java.time.Duration;

import dev.dragnet.probe.pace.HostPacer;
import dev.dragnet.probe.reverseip.SourceAnswer.Status;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.Verdict;
import dev.dragnet.testbed.reverseip.Blocking;
import dev.dragnet.testbed.reverseip.FakeSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.Test;

import static dev.dragnet.probe.reverseip.Lookups.DEADLINE;
import static dev.dragnet.probe.reverseip.Lookups.answer;
import static org.assertj.core.api.Assertions.assertThat;

/** B5: silent bans told from genuine emptiness by a canary address. */
class CanaryCheckTests {

	private static final ReverseIpWorld WORLD = new ReverseIpWorld(11);

	private static final String CANARY = WORLD.firstAddressOf(Tier.SMALL, "192.0.2.1");

	private static final String EMPTY = WORLD.firstAddressOf(Tier.EMPTY, "192.0.2.1");

	private static final String HOSTING = WORLD.firstAddressOf(Tier.SMALL,
			ReverseIpWorld.ipv4(ReverseIpWorld.ipv4(CANARY) + 1));

	private final SourceRunner runner = new SourceRunner(true, new HostPacer(), "dragnet-test");

	private final CanaryCheck canary = new CanaryCheck(this.runner);

	@Test
	void aGenuinelyEmptyAddressStaysNone() {
		try (FakeSite<?> site = Family.CHINESE_LIST.start(WORLD)) {
			SourceDefinition source = Family.CHINESE_LIST.definitionFor(site);
			SourceAnswer none = answer(this.runner.lookup(source, EMPTY, DEADLINE));
			assertThat(none.status()).isEqualTo(Status.NONE);
			SourceAnswer checked = answer(this.canary.confirmNone(source, none, CANARY, DEADLINE));
			assertThat(checked.status()).isEqualTo(Status.NONE);
			assertThat(checked.requests()).isEqualTo(2);
			assertThat(site.requests()).hasSize(2);
		}
	}

	@Test
	void theListSitesSilentQuotaIsABan() {
		try (FakeSite<?> site = Family.CHINESE_LIST.start(WORLD).quota(1)) {
			SourceDefinition source = Family.CHINESE_LIST.definitionFor(site);
			assertThat(answer(this.runner.lookup(source, CANARY, DEADLINE)).status()).isEqualTo(Status.FOUND);
			SourceAnswer looksEmpty = answer(this.runner.lookup(source, HOSTING, DEADLINE));
			assertThat(looksEmpty.status()).as("a silent ban looks like an empty address").isEqualTo(Status.NONE);
			SourceAnswer checked = answer(this.canary.confirmNone(source, looksEmpty, CANARY, DEADLINE));
			assertThat(checked.status()).isEqualTo(Status.BLOCKED);
			assertThat(checked.blockedAs()).isEqualTo(Verdict.BANNED);
			assertThat(checked.detail()).contains("silent ban", CANARY);
		}
	}

	@Test
	void aSilentBanOnThePlainTextSiteIsABanToo() {
		try (FakeSite<?> site = Family.PLAIN_TEXT.start(WORLD).quota(0).behaviour(Blocking.silentBan())) {
			SourceDefinition source = Family.PLAIN_TEXT.definitionFor(site);
			SourceAnswer looksEmpty = answer(this.runner.lookup(source, HOSTING, DEADLINE));
			assertThat(looksEmpty.status()).isEqualTo(Status.NONE);
			SourceAnswer checked = answer(this.canary.confirmNone(source, looksEmpty, CANARY, DEADLINE));
			assertThat(checked.blockedAs()).isEqualTo(Verdict.BANNED);
		}
	}

	@Test
	void aCanaryThatCannotBeReadLeavesTheZeroUntrusted() {
		try (FakeSite<?> site = Family.PAGED_TABLE.start(WORLD)) {
			SourceDefinition source = Family.PAGED_TABLE.definitionFor(site);
			SourceAnswer none = answer(this.runner.lookup(source, EMPTY, DEADLINE));
			site.behaviour(Blocking.captcha(0));
			SourceAnswer checked = answer(this.canary.confirmNone(source, none, CANARY, DEADLINE));
			assertThat(checked.status()).isEqualTo(Status.BLOCKED);
			assertThat(checked.blockedAs()).isEqualTo(Verdict.CAPTCHA);
			assertThat(checked.detail()).contains("cannot be trusted");
		}
	}

	@Test
	void onlyANoneIsChecked() {
		try (FakeSite<?> site = Family.PAGED_TABLE.start(WORLD)) {
			SourceDefinition source = Family.PAGED_TABLE.definitionFor(site);
			SourceAnswer found = answer(this.runner.lookup(source, CANARY, DEADLINE));
			assertThat(answer(this.canary.confirmNone(source, found, CANARY, Duration.ofSeconds(5)))).isSameAs(found);
			assertThat(site.requests()).hasSize(1);
		}
	}

}
