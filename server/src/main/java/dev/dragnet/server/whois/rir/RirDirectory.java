package dev.dragnet.server.whois.rir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.dragnet.net.Addresses;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The address-block and AS-number tables of the {@code whois} gem (MIT, {@code whois/LICENSE.txt}):
 * {@code ipv4.json}, {@code ipv6.json}, {@code asn16.json}, {@code asn32.json}. Longest prefix wins for
 * addresses; AS numbers fall in ranges. Query formats follow the registries: ARIN wants {@code n + <ip>} and
 * {@code a + <asn>}, JPNIC {@code <ip>/e}, the others the plain address or {@code AS<n>}.
 */
@Component
public class RirDirectory {

	private final List<Block> blocks;

	private final List<AsnRange> asnRanges;

	public RirDirectory() {
		JsonMapper json = JsonMapper.builder().build();
		List<Block> all = new ArrayList<>();
		all.addAll(blocks(read(json, "whois/ipv4.json")));
		all.addAll(blocks(read(json, "whois/ipv6.json")));
		all.sort(Comparator.comparingInt(Block::prefix).reversed());
		this.blocks = List.copyOf(all);
		List<AsnRange> ranges = new ArrayList<>();
		ranges.addAll(asnRanges(read(json, "whois/asn16.json")));
		ranges.addAll(asnRanges(read(json, "whois/asn32.json")));
		this.asnRanges = List.copyOf(ranges);
	}

	/** The server and query for an address, or empty when no RIR serves it (reserved, special-purpose). */
	public Optional<RirTarget> forAddress(InetAddress address) {
		byte[] bytes = address.getAddress();
		for (Block block : this.blocks) {
			if (block.contains(bytes)) {
				return block.target(address.getHostAddress());
			}
		}
		return Optional.empty();
	}

	/** The server and query for an AS number, or empty when no RIR serves it. */
	public Optional<RirTarget> forAsn(long asn) {
		for (AsnRange range : this.asnRanges) {
			if (asn >= range.first() && asn <= range.last()) {
				return range.target(asn);
			}
		}
		return Optional.empty();
	}

	private static JsonNode read(JsonMapper json, String path) {
		try (InputStream in = new ClassPathResource(path).getInputStream()) {
			return json.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + path, ex);
		}
	}

	private static List<Block> blocks(JsonNode table) {
		List<Block> blocks = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : table.properties()) {
			String[] cidr = entry.getKey().split("/");
			InetAddress network = Addresses.parseLiteral(cidr[0]);
			if (network == null) {
				continue;
			}
			blocks.add(new Block(network.getAddress(), Integer.parseInt(cidr[1]), server(entry.getValue())));
		}
		return blocks;
	}

	private static List<AsnRange> asnRanges(JsonNode table) {
		List<AsnRange> ranges = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : table.properties()) {
			String[] bounds = entry.getKey().trim().split("\\s+");
			long first = Long.parseLong(bounds[0]);
			long last = (bounds.length > 1) ? Long.parseLong(bounds[1]) : first;
			ranges.add(new AsnRange(first, last, server(entry.getValue())));
		}
		return ranges;
	}

	private static @Nullable Server server(JsonNode value) {
		String host = value.path("host").asString("");
		String adapter = value.path("adapter").asString("");
		if (host.isEmpty() || adapter.equals("none") || adapter.equals("not_implemented")) {
			return null;
		}
		String format = adapter.equals("formatted") ? value.path("format").asString("%s") : null;
		return new Server(host, adapter.equals("arin") || host.equals("whois.arin.net"), format);
	}

	/**
	 * Where to ask.
	 *
	 * @param host the RIR's WHOIS server
	 * @param port its port (43)
	 * @param query the query line in that server's format
	 */
	public record RirTarget(String host, int port, String query) {
	}

	private record Server(String host, boolean arin, @Nullable String format) {
	}

	private record Block(byte[] network, int prefix, @Nullable Server server) {

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int full = this.prefix / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (address[full] & mask) == (this.network[full] & mask);
		}

		Optional<RirTarget> target(String address) {
			if (this.server == null) {
				return Optional.empty();
			}
			String query = this.server.arin() ? "n + " + address
					: (this.server.format() != null) ? this.server.format().replace("%s", address) : address;
			return Optional.of(new RirTarget(this.server.host(), 43, query));
		}
	}

	private record AsnRange(long first, long last, @Nullable Server server) {

		Optional<RirTarget> target(long asn) {
			if (this.server == null) {
				return Optional.empty();
			}
			String query = this.server.arin() ? "a + " + asn : "AS" + asn;
			return Optional.of(new RirTarget(this.server.host(), 43, query));
		}
	}
}
