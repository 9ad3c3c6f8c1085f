package dev.dragnet.server.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/** The admin token, configured or generated once per start. */
@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AdminConfiguration.class);

	@Bean
	AdminToken adminToken(AdminProperties properties) {
		String configured = properties.token();
		if (StringUtils.hasText(configured)) {
			return AdminToken.of(configured.strip());
		}
		AdminToken token = AdminToken.generate();
		logger.warn("no dragnet.admin.token configured; generated admin token for this run: {}", token.value());
		return token;
	}
}
