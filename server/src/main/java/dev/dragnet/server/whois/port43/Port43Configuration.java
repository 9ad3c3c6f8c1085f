package dev.dragnet.server.whois.port43;

import dev.dragnet.server.whois.NetworkWhoisService;
import dev.dragnet.server.whois.WhoisProperties;
import dev.dragnet.server.whois.WhoisService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the WHOIS front door when {@code dragnet.whois.port43.enabled} is {@code true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("dragnet.whois.port43.enabled")
class Port43Configuration {

	@Bean
	Port43Server port43Server(WhoisService whois, NetworkWhoisService network, WhoisProperties whoisProperties,
			Port43Properties properties) {
		return new Port43Server(properties, new Port43Handler(whois, network, whoisProperties, properties));
	}
}
