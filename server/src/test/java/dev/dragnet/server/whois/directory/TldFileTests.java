package dev.dragnet.server.whois.directory;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class TldFileTests {

	private static final String FILE = """
			{
			  "_": { "schema": "2", "updated": "2025-10-15 09:25:00 UTC" },
			  "com": { "host": "whois.verisign-grs.com", "adapter": "verisign" },
			  "de": { "host": "whois.denic.de", "adapter": "formatted", "format": "-T dn,ace %s" },
			  "aaa": { "_type": "newgtld", "adapter": "none" },
			  "mr": { "adapter": "none", "host": "whois.nic.mr" },
			  "az": { "adapter": "web", "url": "http://www.nic.az/" },
			  "in-addr.arpa": { "adapter": "arpa" },
			  "bz": { "host": "Whois.Afilias-GRS.info", "adapter": "afilias" },
			  "uk": { "host": "whois.nic.uk" }
			}
			""";

	@Test
	void mapsAdaptersToServicesAndFormats() {
		List<TldFile.Row> rows = TldFile.rows(JsonMapper.shared().readTree(FILE));

		assertThat(rows).containsExactly(new TldFile.Row("com", "whois.verisign-grs.com", "domain %s", "whois", null),
				new TldFile.Row("de", "whois.denic.de", "-T dn,ace %s", "whois", null),
				new TldFile.Row("aaa", null, "%s", "none", null), new TldFile.Row("mr", "whois.nic.mr", "%s", "none", null),
				new TldFile.Row("az", null, "%s", "web", "http://www.nic.az/"),
				new TldFile.Row("bz", "whois.afilias-grs.info", "%s", "whois", null),
				new TldFile.Row("uk", "whois.nic.uk", "%s", "whois", null));
	}

	@Test
	void readsTheUpdateTime() {
		assertThat(TldFile.updated(JsonMapper.shared().readTree(FILE))).isEqualTo("2025-10-15 09:25:00 UTC");
	}
}
