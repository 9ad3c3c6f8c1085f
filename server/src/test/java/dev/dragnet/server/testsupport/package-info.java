/** Helpers for the server's integration and end-to-end tests: fresh databases on one JVM-wide PostgreSQL. */
@NullMarked
package dev.dragnet.server.testsupport;

import org.jspecify.annotations.NullMarked;
