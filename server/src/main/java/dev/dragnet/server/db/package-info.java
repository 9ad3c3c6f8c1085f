/**
 * Storage: the embedded PostgreSQL that runs when no {@code spring.r2dbc.url} is configured, its pooled R2DBC
 * connection factory, the schema ({@code schema.sql}) plus seed data applied at start, and whether the database
 * answers ({@link dev.dragnet.server.db.DatabaseStatus}: what degrades and what answers 503 while it does not).
 */
@NullMarked
package dev.dragnet.server.db;

import org.jspecify.annotations.NullMarked;
