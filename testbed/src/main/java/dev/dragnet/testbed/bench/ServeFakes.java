package dev.dragnet.testbed.bench;

import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

import dev.dragnet.protocol.source.SourceCatalogue;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.testbed.reverseip.PlainTextSite;
import dev.dragnet.testbed.reverseip.ReverseIpWorld;
import dev.dragnet.testbed.whois.FakeWhoisServer;
import dev.dragnet.testbed.whois.WhoisBehaviour;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code serve}: the outside world on loopback for trying Dragnet by hand from the built jars: a WHOIS registry
 * that has a record for every domain, and a plain-text reverse-IP site over a seeded world. Prints how to point a
 * server at them, then runs until killed. {@code world} prints what that world holds for a range, to check a
 * campaign's results against.
 */
final class ServeFakes {

	static final String USAGE = """
			serve [--seed N] [--silent-ban IP]: a WHOIS registry fake (every domain has a record) and a plain-text
			reverse-IP site over the seeded world, on loopback; prints their addresses and the source definition to
			PUT. With --silent-ban, the registry closes on queries from that address without a byte, as a registry
			that banned a source does.
			world --range A.B.C.D-E.F.G.H [--seed N]: prints "ip,domain" for every name the world holds in the
			range (a www. twin folded into its bare name, as probes report it), to compare with results.csv.""";

	private static final long DEFAULT_SEED = 20261121L;

	private ServeFakes() {
	}

	static void serve(String[] args) throws InterruptedException {
		long seed = seed(args);
		FakeWhoisServer whois = FakeWhoisServer.start();
		WhoisBehaviour record = WhoisBehaviour.template("Domain Name: %s\r\nRegistrar: Testbed Registrar\r\n"
				+ "Creation Date: 2001-02-03T04:05:06Z\r\n");
		String banned = value(args, "--silent-ban");
		whois.fallback((banned != null) ? WhoisBehaviour.fromAddress(banned, WhoisBehaviour.earlyClose(), record) : record);
		PlainTextSite site = PlainTextSite.start(new ReverseIpWorld(seed)).unlimited();
		SourceDefinition source = SourceCatalogue.plainText(site.baseUrl());
		System.out.println("whois registry: " + whois.host() + ":" + whois.port()
				+ ((banned != null) ? " (closes on " + banned + " without a word)" : ""));
		System.out.println("reverse-IP site: " + site.baseUrl() + " (world seed " + seed + ")");
		System.out.println("source definition (PUT /api/sources/" + source.name() + "):");
		System.out.println(JsonMapper.builder().build().writeValueAsString(source));
		System.out.flush();
		new CountDownLatch(1).await();
	}

	static void world(String[] args) {
		long seed = seed(args);
		String range = value(args, "--range");
		if (range == null || !range.contains("-")) {
			throw new IllegalArgumentException("world needs --range FIRST-LAST");
		}
		String[] ends = range.split("-", 2);
		long first = address(ends[0]);
		long last = address(ends[1]);
		ReverseIpWorld world = new ReverseIpWorld(seed);
		StringBuilder out = new StringBuilder();
		for (long a = first; a <= last; a++) {
			String ip = ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
			TreeSet<String> names = new TreeSet<>(world.domainsOf(ip));
			names.removeIf((n) -> n.startsWith("www.") && names.contains(n.substring(4)));
			names.forEach((name) -> out.append(ip).append(',').append(name).append('\n'));
		}
		System.out.print(out);
	}

	private static long address(String dotted) {
		String[] parts = dotted.trim().split("\\.");
		if (parts.length != 4) {
			throw new IllegalArgumentException("not an IPv4 address: " + dotted);
		}
		long value = 0;
		for (String part : parts) {
			value = (value << 8) | Integer.parseInt(part);
		}
		return value;
	}

	private static long seed(String[] args) {
		String seed = value(args, "--seed");
		return (seed != null) ? Long.parseLong(seed) : DEFAULT_SEED;
	}

	private static String value(String[] args, String name) {
		for (int i = 0; i < args.length - 1; i++) {
			if (args[i].equals(name)) {
				return args[i + 1];
			}
		}
		return null;
	}
}
