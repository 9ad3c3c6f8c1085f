package dev.dragnet.probe.reverseip;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.dragnet.net.Addresses;
import dev.dragnet.net.DomainNames;
import dev.dragnet.net.InvalidDomainException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Turns what a source shows into domain names (B9): trims, strips leading {@code *.} wildcards, lower-cases and
 * converts to A-labels, drops one trailing dot ({@link DomainNames#normalise}), and drops whatever is not a name:
 * IP addresses (a site listing the queried address in its domain column), names whose last label is all digits, and
 * anything {@link DomainNames} refuses (spaces, underscores, single labels, placeholders such as 屏蔽的关键字).
 *
 * <p><b>{@code www.} duplicates.</b> {@code www.x.example} is dropped when {@code x.example} is in the same answer (all
 * pages together), because the two are one site; a {@code www.} name alone is kept as shown, because it is the only
 * name the source gave and its bare name may not exist or may live elsewhere.
 */
final class DomainNormaliser {

	private static final String WWW = "www.";

	/** Whether ICU4J's IDNA data is loaded (see {@link #ready()}). */
	private static volatile boolean loaded;

	private DomainNormaliser() {
	}

	/**
	 * Loads ICU4J's IDNA data off the event loops, once, before the first lookup that may normalise names: names
	 * outside plain ASCII are normalised on event loops and need that data, read from the jar. Not at start-up, so
	 * that a probe that looks nothing up never loads ICU4J (issue 12: a probe's idle memory). Each reverse-IP entry
	 * point ({@link SourceRunner#lookup}, {@link PtrLookup#lookup}, {@link ForwardVerifier#confirms}) starts with it.
	 */
	static Mono<Void> ready() {
		if (loaded) {
			return Mono.empty();
		}
		return Mono.fromRunnable(() -> {
			DomainNames.preload();
			loaded = true;
		}).subscribeOn(Schedulers.boundedElastic()).then();
	}

	/** The name {@code shown} stands for, or {@code null} when it is not a domain name. */
	static @Nullable String normalise(@Nullable String shown) {
		if (shown == null) {
			return null;
		}
		String name = shown.trim();
		while (name.startsWith("*.")) {
			name = name.substring(2);
		}
		if (name.isEmpty() || Addresses.parseLiteral(name) != null) {
			return null;
		}
		String normalised;
		try {
			normalised = DomainNames.normalise(name);
		}
		catch (InvalidDomainException ex) {
			return null;
		}
		String tld = normalised.substring(normalised.lastIndexOf('.') + 1);
		return tld.chars().allMatch(Character::isDigit) ? null : normalised;
	}

	/** {@code names} (already normalised) without the {@code www.} names whose bare name is among them, sorted. */
	static SortedSet<String> foldWww(Collection<String> names) {
		TreeSet<String> folded = new TreeSet<>(names);
		folded.removeIf((name) -> name.startsWith(WWW) && folded.contains(name.substring(WWW.length())));
		return folded;
	}

	/** Every name in {@code shown} normalised, the non-names dropped, {@code www.} duplicates folded. */
	static SortedSet<String> normaliseAll(Collection<String> shown) {
		TreeSet<String> names = new TreeSet<>();
		for (String one : shown) {
			String name = normalise(one);
			if (name != null) {
				names.add(name);
			}
		}
		return foldWww(names);
	}

}
