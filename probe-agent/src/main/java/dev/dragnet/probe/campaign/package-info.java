/** Campaign work on the probe: pulling leased blocks and resolving every address through the sources. */
@NullMarked
package dev.dragnet.probe.campaign;

import org.jspecify.annotations.NullMarked;
