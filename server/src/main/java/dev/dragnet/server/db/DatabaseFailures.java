package dev.dragnet.server.db;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;

/**
 * Tells an unreachable database (refused or lost connection, pool deadline, server shutting down or starting)
 * from a failure of the query itself (bad SQL, a constraint), looking through Spring's translated exceptions and
 * their causes.
 */
public final class DatabaseFailures {

	private DatabaseFailures() {
	}

	/** Whether {@code error} says the database could not be reached or is going away. */
	public static boolean isUnavailable(Throwable error) {
		List<Throwable> seen = new ArrayList<>();
		for (Throwable t = error; t != null && !seen.contains(t) && seen.size() < 20; t = t.getCause()) {
			seen.add(t);
			if (unavailable(t)) {
				return true;
			}
		}
		return false;
	}

	private static boolean unavailable(Throwable t) {
		if (t instanceof DatabaseUnavailableException || t instanceof DataAccessResourceFailureException
				|| t instanceof TransientDataAccessResourceException || t instanceof QueryTimeoutException
				|| t instanceof R2dbcNonTransientResourceException || t instanceof R2dbcTransientResourceException
				|| t instanceof R2dbcTimeoutException || t instanceof ConnectException
				|| t instanceof ClosedChannelException) {
			return true;
		}
		if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
			String state = r2dbc.getSqlState();
			// 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now
			return state.startsWith("08") || state.startsWith("57P0");
		}
		// reactor-pool's acquire deadline, and the postgres driver's closed-connection error, by name: neither
		// library is a compile-time dependency of this class's callers
		String name = t.getClass().getName();
		return name.equals("reactor.pool.PoolAcquireTimeoutException")
				|| name.equals("io.r2dbc.pool.PoolShutdownException") || name.endsWith("PostgresConnectionClosedException");
	}
}
