package dev.dragnet.probe;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one data-binding mapper of the probe, for the JSON it reads from the outside world as trees (reverse-IP
 * sites' JSON pages, the enrollment answer). A holder: the mapper, and with it some 650 classes of Jackson's data
 * binding, is set up only when the first such document arrives, so a probe that has not read a JSON source page
 * does not carry it (issue 12: a probe's memory). The frames of the protocol ({@code FrameCodec}) and RDAP answers
 * ({@code RdapJson}) never need it: they are read on the token stream.
 */
public final class JsonTrees {

	/** Thread-safe, as data binding's mappers are once built. */
	public static final JsonMapper MAPPER = JsonMapper.builder().build();

	private JsonTrees() {
	}
}
