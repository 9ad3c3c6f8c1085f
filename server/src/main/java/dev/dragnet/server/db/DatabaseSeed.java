package dev.dragnet.server.db;

import org.springframework.r2dbc.connection.init.DatabasePopulator;

/**
 * Data a feature writes at start, right after {@code schema.sql} is applied and before the server serves.
 * Declare one as a bean; seeds run in {@link org.springframework.core.annotation.Order @Order}, each on one
 * connection, and a failing seed stops the start. A seed must be idempotent: it runs at every start.
 */
public interface DatabaseSeed extends DatabasePopulator {

}
