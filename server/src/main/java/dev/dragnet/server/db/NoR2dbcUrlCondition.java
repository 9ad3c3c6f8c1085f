package dev.dragnet.server.db;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Matches when {@code spring.r2dbc.url} is not set (or blank): the server then runs its own PostgreSQL. */
class NoR2dbcUrlCondition extends SpringBootCondition {

	static final String URL_PROPERTY = "spring.r2dbc.url";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String url = context.getEnvironment().getProperty(URL_PROPERTY);
		if (StringUtils.hasText(url)) {
			return ConditionOutcome.noMatch(URL_PROPERTY + " is set");
		}
		return ConditionOutcome.match(URL_PROPERTY + " is not set");
	}
}
