/**
 * Storage: the embedded PostgreSQL that runs when no {@code spring.r2dbc.url} is configured, its pooled R2DBC
 * connection factory, and the schema ({@code schema.sql}) plus seed data applied at start.
 */
@NullMarked
package dev.dragnet.server.db;

import org.jspecify.annotations.NullMarked;
