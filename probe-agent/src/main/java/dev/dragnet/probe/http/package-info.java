/** HTTP pieces both the RDAP client and the reverse-IP source runner use. */
@NullMarked
package dev.dragnet.probe.http;

import org.jspecify.annotations.NullMarked;
