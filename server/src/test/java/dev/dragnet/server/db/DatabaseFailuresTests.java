package dev.dragnet.server.db;

import java.net.ConnectException;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseFailuresTests {

	@Test
	void anUnreachableDatabaseIsToldFromAFailingQuery() {
		assertThat(DatabaseFailures.isUnavailable(new DataAccessResourceFailureException("Failed to obtain R2DBC Connection",
				new ConnectException("Connection refused")))).isTrue();
		assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("wrapped", new ConnectException("refused"))))
			.isTrue();
		assertThat(DatabaseFailures.isUnavailable(new R2dbcException("terminating connection", "57P01") {
		})).isTrue();
		assertThat(DatabaseFailures.isUnavailable(new R2dbcException("the database system is starting up", "57P03") {
		})).isTrue();

		assertThat(DatabaseFailures.isUnavailable(new R2dbcBadGrammarException("syntax error", "42601"))).isFalse();
		assertThat(DatabaseFailures.isUnavailable(new DataIntegrityViolationException("duplicate",
				new R2dbcDataIntegrityViolationException("duplicate key", "23505")))).isFalse();
		assertThat(DatabaseFailures.isUnavailable(new IllegalArgumentException("a bug"))).isFalse();
	}
}
