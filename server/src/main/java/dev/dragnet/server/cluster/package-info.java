/**
 * Several server instances on one PostgreSQL acting as one Dragnet: membership ({@link ClusterMembership}), with
 * the database as the only shared engine (tables, advisory locks), no consensus protocol of our own.
 */
@NullMarked
package dev.dragnet.server.cluster;

import org.jspecify.annotations.NullMarked;
