/**
 * Reverse-IP lookups from this probe's own address: "which domains are hosted on this IP?", asked of a declarative
 * source ({@link dev.dragnet.probe.reverseip.SourceRunner}), of reverse DNS ({@link dev.dragnet.probe.reverseip.PtrLookup}),
 * with silent bans caught by canary addresses ({@link dev.dragnet.probe.reverseip.CanaryCheck}) and found names
 * confirmed by forward DNS ({@link dev.dragnet.probe.reverseip.ForwardVerifier}). Every answer says precisely why
 * when it has no names: {@link dev.dragnet.probe.reverseip.SourceAnswer}.
 */
@NullMarked
package dev.dragnet.probe.reverseip;

import org.jspecify.annotations.NullMarked;
