package dev.dragnet.server.web;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The server's own Reactor Netty event loops and connection pool, instead of the JVM-wide ones Spring Boot uses
 * by default. Spring disposes its resources when the application stops; with the JVM-wide ones that would also
 * stop every other Reactor Netty server and client in the process: a probe agent run beside the server, or the
 * testbed's fake WHOIS servers and reverse-IP sites in a test that restarts the server.
 */
@Configuration(proxyBeanMethods = false)
class NettyResourcesConfiguration {

	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		factory.setShutdownQuietPeriod(Duration.ZERO);
		return factory;
	}
}
