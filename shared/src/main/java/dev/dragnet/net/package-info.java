/** Pure helpers about names and addresses that both the server and the probe agent need. */
@NullMarked
package dev.dragnet.net;

import org.jspecify.annotations.NullMarked;
