/** HTTP concerns shared by every feature: problem details, admin authentication. */
@NullMarked
package dev.dragnet.server.web;

import org.jspecify.annotations.NullMarked;
