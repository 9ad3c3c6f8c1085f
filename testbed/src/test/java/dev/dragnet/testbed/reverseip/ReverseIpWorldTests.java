package dev.dragnet.testbed.reverseip;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The ground truth: deterministic, shaped as documented, and consistent between reverse, forward and PTR. */
class ReverseIpWorldTests {

	private static final Pattern CLEAN_NAME = Pattern
		.compile("(www\\.)?(site-[0-9a-z]{1,13}\\.example|shop\\.[0-9a-z]{1,13}\\.test|cafe-[0-9a-z]{1,13}\\.test"
				+ "|news-[0-9a-z]{1,13}\\.example)");

	/** Of the names in 10.0.0.0/24 with seed 42, taken when the generator was written. */
	private static final long GOLDEN_FINGERPRINT = 7879916029246040243L;

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	@Test
	void theCanaryHostsNamesInEveryWorldAndTheSitesNameIt() {
		for (long seed = 0; seed < 200; seed++) {
			ReverseIpWorld any = new ReverseIpWorld(seed);
			assertThat(any.tierOf(ReverseIpWorld.CANARY)).as("seed " + seed).isNotEqualTo(Tier.EMPTY);
			assertThat(any.domainsOf(ReverseIpWorld.CANARY)).as("seed " + seed).isNotEmpty();
		}
		try (PlainTextSite site = PlainTextSite.start(this.world)) {
			assertThat(site.sourceDefinition().canary()).isEqualTo(ReverseIpWorld.CANARY);
			assertThat(site.sourceDefinition().request().urlTemplate()).startsWith(site.baseUrl());
		}
	}

	@Test
	void theSameSeedGivesTheSameWorldAndAnotherSeedAnother() {
		ReverseIpWorld again = new ReverseIpWorld(42);
		ReverseIpWorld other = new ReverseIpWorld(43);
		List<String> hosting = this.world.hostingAddresses("10.0.0.0", "10.0.3.255");
		assertThat(again.hostingAddresses("10.0.0.0", "10.0.3.255")).isEqualTo(hosting);
		for (String ip : hosting) {
			assertThat(again.domainsOf(ip)).isEqualTo(this.world.domainsOf(ip));
		}
		assertThat(other.hostingAddresses("10.0.0.0", "10.0.3.255")).isNotEqualTo(hosting);
	}

	@Test
	void theGeneratorIsPinnedSoRecordedExpectationsStayValid() {
		// A fingerprint of one /24: if this changes, every benchmark baseline made with the old generator is void.
		long fingerprint = 17;
		for (String ip : this.world.hostingAddresses("10.0.0.0", "10.0.0.255")) {
			fingerprint = fingerprint * 31 + ip.hashCode();
			for (String name : this.world.domainsOf(ip)) {
				fingerprint = fingerprint * 31 + name.hashCode();
			}
		}
		assertThat(fingerprint).isEqualTo(GOLDEN_FINGERPRINT);
	}

	@Test
	void tiersHaveTheDocumentedSharesAndSizes() {
		Map<Tier, Integer> tiers = new EnumMap<>(Tier.class);
		int first = ReverseIpWorld.ipv4("10.20.0.0");
		for (int i = 0; i < 65_536; i++) {
			int ip = first + i;
			Tier tier = this.world.tierOf(ip);
			tiers.merge(tier, 1, Integer::sum);
			int count = this.world.domainCount(ip);
			switch (tier) {
				case EMPTY -> assertThat(count).isZero();
				case SMALL -> assertThat(count).isBetween(1, 5);
				case SHARED -> assertThat(count).isBetween(100, 300);
				case GIANT -> assertThat(count).isEqualTo(ReverseIpWorld.GIANT_DOMAIN_COUNT);
			}
		}
		assertThat(tiers.get(Tier.GIANT)).isEqualTo(64);
		assertThat(tiers.get(Tier.EMPTY)).isBetween(45_000, 47_500);
		assertThat(tiers.get(Tier.SHARED)).isBetween(700, 1_300);
		assertThat(tiers.get(Tier.SMALL)).isEqualTo(65_536 - 64 - tiers.get(Tier.EMPTY) - tiers.get(Tier.SHARED));
		assertThat(this.world.domainsOf("10.20.0.0")).isEmpty();
		assertThat(this.world.domainsOf("10.20.0.255")).isEmpty();
	}

	@Test
	void namesAreCleanSortedDistinctAndAsManyAsCounted() {
		String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");
		String giant = this.world.firstAddressOf(Tier.GIANT, "10.0.0.0");
		List<String> addresses = new ArrayList<>(this.world.hostingAddresses("10.0.0.0", "10.0.0.255"));
		addresses.add(shared);
		addresses.add(giant);
		for (String ip : addresses) {
			Set<String> names = this.world.domainsOf(ip);
			assertThat(names).hasSize(this.world.domainCount(ip));
			assertThat(new ArrayList<>(names)).isSorted();
			assertThat(names).allMatch((name) -> CLEAN_NAME.matcher(name).matches(), "clean lower-case name");
		}
		assertThat(this.world.domainsOf(giant)).hasSize(12_000);
		assertThat(this.world.domainsOf(shared).size()).isBetween(100, 300);
	}

	@Test
	void someNamesComeWithTheirWwwTwin() {
		String shared = this.world.firstAddressOf(Tier.SHARED, "10.0.0.0");
		Set<String> names = this.world.domainsOf(shared);
		List<String> twins = names.stream().filter((name) -> name.startsWith("www.")).toList();
		assertThat(twins).isNotEmpty().allMatch((twin) -> names.contains(twin.substring(4)));
		assertThat(twins.size()).isLessThan(names.size() / 4);
	}

	@Test
	void forwardConfirmationHoldsForAboutNineNamesInTen() {
		int confirmed = 0;
		int total = 0;
		for (String ip : this.world.hostingAddresses("10.0.0.0", "10.0.7.255")) {
			if (this.world.tierOf(ip) == Tier.GIANT) {
				continue;
			}
			for (String name : this.world.domainsOf(ip)) {
				List<String> addresses = this.world.forwardA(name);
				assertThat(addresses).isNotEmpty().hasSizeLessThanOrEqualTo(2);
				total++;
				if (addresses.contains(ip)) {
					confirmed++;
				}
				else {
					assertThat(this.world.forwardConfirms(name, ip)).isFalse();
				}
			}
		}
		assertThat(total).isGreaterThan(2_000);
		assertThat((double) confirmed / total).isBetween(0.86, 0.94);
	}

	@Test
	void forwardLookupIgnoresCaseAndTrailingDotAndKnowsOnlyHostedNames() {
		String ip = this.world.hostingAddresses("10.0.0.0", "10.0.0.255").get(0);
		String name = this.world.domainsOf(ip).first();
		assertThat(this.world.forwardA(name.toUpperCase() + ".")).isEqualTo(this.world.forwardA(name)).isNotEmpty();
		assertThat(this.world.forwardA("example.com")).isEmpty();
		assertThat(this.world.forwardA("site-zzzzzzzzzzzzz.example")).isEmpty();
		Set<String> shared = this.world.domainsOf(this.world.firstAddressOf(Tier.SHARED, "10.0.0.0"));
		String twin = shared.stream().filter((n) -> n.startsWith("www.")).findFirst().orElseThrow();
		String loner = shared.stream().filter((n) -> !n.startsWith("www.") && !shared.contains("www." + n))
			.findFirst().orElseThrow();
		assertThat(this.world.forwardA(twin)).isNotEmpty();
		assertThat(this.world.forwardA("www." + loner)).as("a www twin the world does not hold").isEmpty();
		// A name made for an address that hosts nothing does not exist, even though its shape is right.
		String otherSeedName = new ReverseIpWorld(7).domainsOf(new ReverseIpWorld(7).firstAddressOf(Tier.SMALL,
				"10.0.0.0")).first();
		assertThat(this.world.forwardA(otherSeedName)).isEmpty();
	}

	@Test
	void ptrNamesTheIspMostlySometimesASiteAndSometimesNothing() {
		int isp = 0;
		int site = 0;
		int none = 0;
		int first = ReverseIpWorld.ipv4("10.0.0.0");
		for (int i = 0; i < 4096; i++) {
			String ip = ReverseIpWorld.ipv4(first + i);
			Optional<String> ptr = this.world.ptr(ip);
			if (ptr.isEmpty()) {
				none++;
			}
			else if (ptr.get().equals("host-" + ip.replace('.', '-') + ".isp.example")) {
				isp++;
				assertThat(this.world.forwardA(ptr.get())).containsExactly(ip);
			}
			else {
				site++;
				assertThat(this.world.domainsOf(ip)).contains(ptr.get());
			}
		}
		assertThat(this.world.ptr("10.0.0.0")).isEmpty();
		assertThat(this.world.ptr("10.0.0.255")).isEmpty();
		assertThat(isp).isGreaterThan(site).isGreaterThan(none);
		assertThat(site).isPositive();
		assertThat(none).isBetween(500, 900);
		assertThat(this.world.forwardA("host-10-0-0-0.isp.example")).isEmpty();
	}

	@Test
	void addressesAreStrictDottedQuads() {
		assertThat(ReverseIpWorld.ipv4("192.0.2.1")).isEqualTo(0xC0000201);
		assertThat(ReverseIpWorld.ipv4(0xC0000201)).isEqualTo("192.0.2.1");
		assertThat(ReverseIpWorld.ipv4("255.255.255.255")).isEqualTo(-1);
		for (String bad : List.of("1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", " 1.2.3.4", "1.2.3.-4", "a.b.c.d",
				"1..3.4")) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ReverseIpWorld.ipv4(bad));
		}
	}

}
