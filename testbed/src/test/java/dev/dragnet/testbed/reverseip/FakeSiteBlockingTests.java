package dev.dragnet.testbed.reverseip;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.dragnet.testbed.reverseip.ReverseIpWorld.Tier;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** What every family shares (B2, B3, B4, B8, counting, recording), shown on the plain-text site. */
class FakeSiteBlockingTests {

	private final ReverseIpWorld world = new ReverseIpWorld(42);

	private final PlainTextSite site = PlainTextSite.start(this.world);

	private final SiteClient client = SiteClient.from("127.0.0.1");

	private final String small = this.world.firstAddressOf(Tier.SMALL, "10.0.0.0");

	private final String expected = String.join("\n", this.world.domainsOf(this.small));

	@AfterEach
	void close() {
		this.site.close();
	}

	@Test
	void rotatingClientAddressesGetsPastPerClientQuotas() {
		this.site.quota(3);
		List<String> hosting = this.world.hostingAddresses("10.0.0.0", "10.0.0.255").subList(0, 12);
		int alone = 0;
		for (String ip : hosting) {
			if (this.client.get(this.site.lookupUrl(ip)).body().equals(String.join("\n", this.world.domainsOf(ip)))) {
				alone++;
			}
		}
		this.site.resetQuotas();
		int rotated = 0;
		for (int i = 0; i < hosting.size(); i++) {
			String ip = hosting.get(i);
			SiteClient probe = SiteClient.from("127.0.0." + (10 + i % 4));
			if (probe.get(this.site.lookupUrl(ip)).body().equals(String.join("\n", this.world.domainsOf(ip)))) {
				rotated++;
			}
		}
		assertThat(alone).isEqualTo(3);
		assertThat(rotated).isEqualTo(12);
		assertThat(this.site.lookupCount("127.0.0.10")).isEqualTo(3);
	}

	@Test
	void requestsAreRecordedWithTheirClientAddressPathAndHeaders() {
		SiteClient.from("127.0.0.5")
			.get(this.site.lookupUrl(this.small), Map.of("User-Agent", "probe/1", "X-Trace", "t"));
		this.client.get(this.site.url("/"));
		assertThat(this.site.requests()).hasSize(2);
		assertThat(this.site.requestsFrom("127.0.0.5")).singleElement().satisfies((request) -> {
			assertThat(request.method()).isEqualTo("GET");
			assertThat(request.path()).isEqualTo("/reverseiplookup/");
			assertThat(request.uri()).isEqualTo("/reverseiplookup/?q=" + this.small);
			assertThat(request.header("User-Agent")).isEqualTo("probe/1");
			assertThat(request.header("x-trace")).isEqualTo("t");
		});
		assertThat(this.site.lookupCount("127.0.0.5")).isEqualTo(1);
		assertThat(this.site.lookupCount("127.0.0.1")).as("the home page is not a lookup").isZero();
	}

	@Test
	void homeAndUnknownPathsAreNotLookupsAndLargeBodiesAreRefused() {
		assertThat(this.client.get(this.site.url("/")).body()).contains("id=\"home\"");
		assertThat(this.client.get(this.site.url("/favicon.ico")).status()).isEqualTo(404);
		SiteClient.Answer tooLarge = this.client.post(this.site.lookupUrl(this.small), "x".repeat(20_000), Map.of());
		assertThat(tooLarge.status()).isEqualTo(413);
	}

	@Test
	void tooManyRequestsWithoutRetryAfterPerClientAndWindow() {
		this.site.behaviour(Blocking.tooManyRequests(2, Duration.ofMinutes(1)));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).status()).isEqualTo(200);
		assertThat(this.client.get(this.site.lookupUrl(this.small)).status()).isEqualTo(200);
		SiteClient.Answer third = this.client.get(this.site.lookupUrl(this.small));
		assertThat(third.status()).isEqualTo(429);
		assertThat(third.headers().contains("Retry-After")).isFalse();
		assertThat(SiteClient.from("127.0.0.2").get(this.site.lookupUrl(this.small)).status()).isEqualTo(200);
	}

	@Test
	void tooManyRequestsWithRetryAfterEndsWithTheWindow() {
		this.site.behaviour(Blocking.tooManyRequestsWithRetryAfter(1, Duration.ofMillis(800)));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).status()).isEqualTo(200);
		SiteClient.Answer limited = this.client.get(this.site.lookupUrl(this.small));
		assertThat(limited.status()).isEqualTo(429);
		assertThat(limited.headers().get("Retry-After")).isEqualTo("1");
		Mono.defer(() -> this.client.getMono(this.site.lookupUrl(this.small), Map.of()))
			.filter((answer) -> answer.status() == 200)
			.repeatWhenEmpty(40, (empty) -> empty.delayElements(Duration.ofMillis(50)))
			.as(StepVerifier::create)
			.assertNext((answer) -> assertThat(answer.body()).isEqualTo(this.expected))
			.expectComplete()
			.verify(SiteClient.TIMEOUT);
		assertThat(this.site.requests().size()).as("the window ended, not the first retry").isGreaterThan(3);
	}

	@Test
	void firewallBlockAndChallengePages() {
		this.site.behaviour(Blocking.firewall(1));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(this.expected);
		SiteClient.Answer blocked = this.client.get(this.site.lookupUrl(this.small));
		assertThat(blocked.status()).isEqualTo(403);
		assertThat(blocked.body()).contains("Sorry, you have been blocked")
			.containsPattern("Ray ID: <strong[^>]*>[0-9a-f]{16}<");
		assertThat(blocked.headers().get("Server")).isEqualTo("cloudflare");

		this.site.withoutBehaviour(Blocking.Kind.FIREWALL).behaviour(Blocking.challenge(0));
		SiteClient.Answer challenge = SiteClient.from("127.0.0.2").get(this.site.lookupUrl(this.small));
		assertThat(challenge.status()).isEqualTo(503);
		assertThat(challenge.body()).contains("<title>Just a moment...</title>");
	}

	@Test
	void captchaPageAndPageVisitLimitAnswer200() {
		this.site.behaviour(Blocking.captcha(1));
		this.client.get(this.site.lookupUrl(this.small));
		SiteClient.Answer captcha = this.client.get(this.site.lookupUrl(this.small));
		assertThat(captcha.status()).isEqualTo(200);
		assertThat(captcha.body()).contains("Human Verification", "captcha.php", "name=\"captcha_token\"");

		this.site.clearBehaviours().resetQuotas().behaviour(Blocking.pageVisitLimit(2));
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(this.expected);
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(this.expected);
		SiteClient.Answer expired = this.client.get(this.site.lookupUrl(this.small));
		assertThat(expired.status()).isEqualTo(200);
		assertThat(expired.body()).contains("You have exceeded page visit limit");
	}

	@Test
	void stallsOutlastAShortTimeoutAndThenAnswer() {
		this.site.behaviour(Blocking.stall(Duration.ofMillis(600), 1, 1));
		this.client.responseTimeout(Duration.ofMillis(200))
			.getMono(this.site.lookupUrl(this.small), Map.of())
			.as(StepVerifier::create)
			.expectError(ReadTimeoutException.class)
			.verify(SiteClient.TIMEOUT);
		long started = System.nanoTime();
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(this.expected);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
	}

	@Test
	void serverErrorsComeInBurstsOfThePattern() {
		this.site.behaviour(Blocking.serverErrors(2, 4));
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			statuses.add(this.client.get(this.site.lookupUrl(this.small)).status());
		}
		assertThat(statuses.subList(0, 2)).allMatch((status) -> status >= 500);
		assertThat(statuses.subList(2, 4)).containsOnly(200);
		assertThat(statuses.subList(4, 6)).allMatch((status) -> status >= 500);
		assertThat(this.site.lookupCount("127.0.0.1")).as("faulted lookups are not counted").isEqualTo(2);
	}

	@Test
	void connectionResetIsAnErrorNotAnAnswer() {
		this.site.behaviour(Blocking.connectionReset(1, 2));
		this.client.getMono(this.site.lookupUrl(this.small), Map.of())
			.as(StepVerifier::create)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfAny(PrematureCloseException.class,
					IOException.class))
			.verify(SiteClient.TIMEOUT);
		assertThat(this.client.get(this.site.lookupUrl(this.small)).body()).isEqualTo(this.expected);
	}

	@Test
	void redirectToTheHomePage() {
		this.site.behaviour(Blocking.redirectHome(1, 1));
		SiteClient.Answer redirect = this.client.get(this.site.lookupUrl(this.small));
		assertThat(redirect.status()).isEqualTo(302);
		assertThat(redirect.headers().get("Location")).isEqualTo(this.site.baseUrl());
		SiteClient.Answer followed = this.client.followingRedirects().get(this.site.lookupUrl(this.small));
		assertThat(followed.status()).isEqualTo(200);
		assertThat(followed.body()).contains("id=\"home\"").doesNotContain(this.world.domainsOf(this.small).first());
	}

	@Test
	void bodiesCutShortFailTheRead() {
		this.site.behaviour(Blocking.cutShort(1, 1));
		this.client.getMono(this.site.lookupUrl(this.world.firstAddressOf(Tier.SHARED, "10.0.0.0")), Map.of())
			.as(StepVerifier::create)
			.expectError(PrematureCloseException.class)
			.verify(SiteClient.TIMEOUT);
	}

	@Test
	void closeEndsConnectionsStillWaitingForAnAnswer() {
		this.site.behaviour(Blocking.stall(Duration.ofMinutes(5), 1, 1));
		this.client.getMono(this.site.lookupUrl(this.small), Map.of())
			.as(StepVerifier::create)
			.then(() -> waitUntil(() -> this.site.openConnections() == 1))
			.then(this.site::close)
			.expectError(PrematureCloseException.class)
			.verify(SiteClient.TIMEOUT);
		assertThat(this.site.openConnections()).isZero();
	}

	private static void waitUntil(BooleanSupplier condition) {
		Mono.fromCallable(condition::getAsBoolean)
			.filter(Boolean::booleanValue)
			.repeatWhenEmpty(100, (empty) -> empty.delayElements(Duration.ofMillis(50)))
			.as(StepVerifier::create)
			.expectNext(true)
			.expectComplete()
			.verify(SiteClient.TIMEOUT);
	}

}
