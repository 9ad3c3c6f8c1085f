/** The Dragnet server application. Features live in sub-packages: probe, dispatch, whois, db, web. */
@NullMarked
package dev.dragnet.server;

import org.jspecify.annotations.NullMarked;
