package dev.dragnet.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dragnet.protocol.source.BlockMarker;
import dev.dragnet.protocol.source.Extractor;
import dev.dragnet.protocol.source.Pagination;
import dev.dragnet.protocol.source.SourceDefinition;
import dev.dragnet.protocol.source.SourceRequest;
import dev.dragnet.protocol.source.Verdict;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.io.SegmentedStringWriter;
import tools.jackson.core.util.BufferRecycler;

/**
 * Reads and writes the frames sent for every task and every campaign block with Jackson's token stream, field by
 * field, instead of data binding: a WHOIS lookup sends a {@code task} and gets a {@code result} and a {@code credit}
 * back, and a campaign block sends a {@code block-result} of hundreds of findings. Data binding spent more on the
 * polymorphic type, the record creator and the property buffer than on the JSON itself (issue 12's profiles).
 *
 * <p>The contract, which {@code HotFramesTests} checks against data binding on generated frames: what this writes
 * is byte for byte what data binding writes, and what this reads is what data binding reads. Reading takes only the
 * shape this writes, with fields in any order, unknown fields skipped and a later duplicate winning; anything else
 * (the type not first, a value of an unexpected kind, a missing number, a value the record refuses, trailing text)
 * gives {@code null}, and {@link FrameCodec} hands the text to data binding, whose answer or error stands.
 */
final class HotFrames {

	private final TokenStreamFactory json;

	HotFrames(TokenStreamFactory json) {
		this.json = json;
	}

	/** The frame's JSON, or {@code null} when it is not one of the frames written here. */
	@Nullable String write(Object frame) {
		// as data binding's writeValueAsString does: segments from Jackson's pool, one copy into the string
		BufferRecycler buffers = this.json._getBufferRecycler();
		try (SegmentedStringWriter out = new SegmentedStringWriter(buffers)) {
			try (JsonGenerator g = this.json.createGenerator(ObjectWriteContext.empty(), out)) {
				g.writeStartObject();
				if (!writeFields(g, frame)) {
					return null; // what was started is dropped with the writer
				}
				g.writeEndObject();
			}
			return out.getAndClear();
		}
		finally {
			buffers.releaseToPool();
		}
	}

	/**
	 * Writes the frame's fields, its type first, in the order data binding writes them; {@code false}, writing nothing,
	 * for a frame that is not one of those written here.
	 */
	private static boolean writeFields(JsonGenerator g, Object frame) {
		if (frame instanceof Task task) {
			task(g, task);
		}
		else if (frame instanceof TaskResult result) {
			result(g, result);
		}
		else if (frame instanceof CreditGrant credit) {
			g.writeStringProperty("type", "credit");
			g.writeNumberProperty("credits", credit.credits());
		}
		else if (frame instanceof Ping ping) {
			g.writeStringProperty("type", "ping");
			g.writeNumberProperty("seq", ping.seq());
		}
		else if (frame instanceof Pong pong) {
			g.writeStringProperty("type", "pong");
			g.writeNumberProperty("seq", pong.seq());
		}
		else if (frame instanceof BlockResult result) {
			blockResult(g, result);
		}
		else if (frame instanceof BlockLease lease) {
			lease(g, lease);
		}
		else if (frame instanceof BlockAck ack) {
			g.writeStringProperty("type", "block-ack");
			g.writeStringProperty("leaseId", ack.leaseId());
			g.writeBooleanProperty("accepted", ack.accepted());
			g.writeStringProperty("reason", ack.reason());
			if (ack.retryAfterMillis() != null) {
				g.writeNumberProperty("retryAfterMillis", ack.retryAfterMillis().longValue());
			}
		}
		else if (frame instanceof WantBlocks want) {
			g.writeStringProperty("type", "want-blocks");
			g.writeNumberProperty("blocks", want.blocks());
		}
		else if (frame instanceof BlockProgress progress) {
			g.writeStringProperty("type", "progress");
			g.writeStringProperty("leaseId", progress.leaseId());
			g.writeNumberProperty("done", progress.done());
		}
		else if (frame instanceof BlockGiveUp giveUp) {
			g.writeStringProperty("type", "block-give-up");
			g.writeStringProperty("leaseId", giveUp.leaseId());
			g.writeStringProperty("reason", giveUp.reason());
			if (giveUp.restingMillis() != null) {
				g.writeNumberProperty("restingMillis", giveUp.restingMillis().longValue());
			}
		}
		else if (frame instanceof SourceRests rests) {
			sourceRests(g, rests);
		}
		else if (frame instanceof Hello hello) {
			hello(g, hello);
		}
		else if (frame instanceof Welcome welcome) {
			g.writeStringProperty("type", "welcome");
			g.writeStringProperty("name", welcome.name());
			g.writeStringProperty("serverVersion", welcome.serverVersion());
			g.writeNumberProperty("protocol", welcome.protocol());
			g.writeNumberProperty("pingIntervalMillis", welcome.pingIntervalMillis());
			if (welcome.creditInResult() != null) {
				g.writeBooleanProperty("creditInResult", welcome.creditInResult());
			}
		}
		else if (frame instanceof ErrorFrame error) {
			g.writeStringProperty("type", "error");
			g.writeStringProperty("code", error.code());
			g.writeStringProperty("message", error.message());
			g.writeStringProperty("taskId", error.taskId());
		}
		else if (frame instanceof CampaignNotice notice) {
			g.writeStringProperty("type", "campaign");
			g.writeNumberProperty("campaignId", notice.campaignId());
			g.writeStringProperty("state", notice.state());
		}
		else {
			return false; // the source list, which only the server writes
		}
		return true;
	}

	/** The probe frame in {@code text}, or {@code null} when data binding is to read it. */
	@Nullable ProbeFrame readProbeFrame(String text) {
		try (JsonParser p = this.json.createParser(ObjectReadContext.empty(), text)) {
			String type = type(p);
			if (type == null) {
				return null;
			}
			ProbeFrame frame = switch (type) {
				case "result" -> result(p);
				case "credit" -> {
					Fields f = fields(p, "credits");
					yield (f == null) ? null : new CreditGrant(f.integer(0));
				}
				case "pong" -> {
					Fields f = fields(p, "seq");
					yield (f == null) ? null : new Pong(f.number(0));
				}
				case "block-result" -> blockResult(p);
				case "want-blocks" -> {
					Fields f = fields(p, "blocks");
					yield (f == null) ? null : new WantBlocks(f.integer(0));
				}
				case "progress" -> {
					Fields f = fields(p, "leaseId", "done");
					yield (f == null) ? null : new BlockProgress(f.text(0), f.integer(1));
				}
				case "block-give-up" -> {
					Fields f = fields(p, "leaseId", "reason", "restingMillis");
					yield (f == null) ? null : new BlockGiveUp(f.text(0), f.text(1), f.boxedNumber(2));
				}
				case "source-rests" -> sourceRests(p);
				case "hello" -> hello(p);
				case "error" -> error(p);
				default -> null;
			};
			return (frame != null && p.nextToken() == null) ? frame : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** The server frame in {@code text}, or {@code null} when data binding is to read it. */
	@Nullable ServerFrame readServerFrame(String text) {
		try (JsonParser p = this.json.createParser(ObjectReadContext.empty(), text)) {
			String type = type(p);
			if (type == null) {
				return null;
			}
			ServerFrame frame = switch (type) {
				case "task" -> task(p);
				case "ping" -> {
					Fields f = fields(p, "seq");
					yield (f == null) ? null : new Ping(f.number(0));
				}
				case "block" -> lease(p);
				case "block-ack" -> {
					Fields f = fields(p, "leaseId", "accepted", "reason", "retryAfterMillis");
					yield (f == null || !f.has(1)) ? null
							: new BlockAck(f.text(0), f.bool(1), f.text(2), f.boxedNumber(3));
				}
				case "welcome" -> {
					Fields f = fields(p, "name", "serverVersion", "protocol", "pingIntervalMillis", "creditInResult");
					yield (f == null || !f.has(2) || !f.has(3)) ? null
							: new Welcome(f.text(0), f.text(1), f.integer(2), f.number(3), f.boxedBool(4));
				}
				case "campaign" -> {
					Fields f = fields(p, "campaignId", "state");
					yield (f == null || !f.has(0)) ? null : new CampaignNotice(f.number(0), f.text(1));
				}
				case "sources" -> sourceList(p);
				case "error" -> error(p);
				default -> null;
			};
			return (frame != null && p.nextToken() == null) ? frame : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The id and work kind of a task frame whatever else is wrong with it: the type, the id and the work's kind may
	 * come in any order and the rest is skipped. {@code null} when the text is not a JSON object whose type is
	 * {@code task}.
	 */
	FrameCodec.@Nullable TaskHeader taskHeader(String text) {
		try (JsonParser p = this.json.createParser(ObjectReadContext.empty(), text)) {
			if (p.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			String type = null;
			String id = null;
			String kind = null;
			for (String name = p.nextName(); name != null; name = p.nextName()) {
				JsonToken token = p.nextToken();
				switch (name) {
					case "type" -> type = scalar(p, token);
					case "id" -> id = scalar(p, token);
					case "work" -> {
						if (token != JsonToken.START_OBJECT) {
							p.skipChildren();
							continue;
						}
						for (String field = p.nextName(); field != null; field = p.nextName()) {
							JsonToken value = p.nextToken();
							if ("kind".equals(field)) {
								kind = scalar(p, value);
							}
							else {
								p.skipChildren();
							}
						}
					}
					default -> p.skipChildren();
				}
			}
			return "task".equals(type) ? new FrameCodec.TaskHeader(id, (kind != null) ? kind : "") : null;
		}
		catch (RuntimeException ex) {
			return null; // not JSON, or cut short
		}
	}

	/** A string, number or boolean as text; {@code null} for null, an object or an array (skipped). */
	private static @Nullable String scalar(JsonParser p, JsonToken token) {
		if (token.isScalarValue() && token != JsonToken.VALUE_NULL) {
			return p.getString();
		}
		p.skipChildren();
		return null;
	}

	// ---- task ----

	private static void task(JsonGenerator g, Task task) {
		g.writeStringProperty("type", "task");
		g.writeStringProperty("id", task.id());
		g.writeNumberProperty("deadlineMillis", task.deadlineMillis());
		g.writeName("work");
		if (task.work() == null) {
			g.writeNull();
			return;
		}
		g.writeStartObject();
		if (task.work() instanceof WhoisQuery q) {
			g.writeStringProperty("kind", "whois");
			g.writeStringProperty("host", q.host());
			g.writeNumberProperty("port", q.port());
			g.writeStringProperty("query", q.query());
			g.writeStringProperty("charset", q.charset());
			g.writeNumberProperty("maxBytes", q.maxBytes());
			g.writeNumberProperty("connectTimeoutMillis", q.connectTimeoutMillis());
			g.writeName("proxy");
			SocksProxy proxy = q.proxy();
			if (proxy == null) {
				g.writeNull();
			}
			else {
				g.writeStartObject();
				g.writeStringProperty("host", proxy.host());
				g.writeNumberProperty("port", proxy.port());
				g.writeStringProperty("username", proxy.username());
				g.writeStringProperty("password", proxy.password());
				g.writeEndObject();
			}
			pace(g, q.pace());
		}
		else if (task.work() instanceof RdapQuery q) {
			g.writeStringProperty("kind", "rdap");
			g.writeStringProperty("url", q.url());
			g.writeNumberProperty("maxBytes", q.maxBytes());
			g.writeNumberProperty("connectTimeoutMillis", q.connectTimeoutMillis());
			g.writeBooleanProperty("followRelated", q.followRelated());
			pace(g, q.pace());
		}
		g.writeEndObject();
	}

	private static void pace(JsonGenerator g, @Nullable Pace pace) {
		g.writeName("pace");
		if (pace == null) {
			g.writeNull();
			return;
		}
		g.writeStartObject();
		g.writeNumberProperty("minIntervalMillis", pace.minIntervalMillis());
		g.writeNumberProperty("maxConnections", pace.maxConnections());
		g.writeEndObject();
	}

	private static @Nullable Task task(JsonParser p) {
		String id = null;
		long deadline = 0;
		boolean hasDeadline = false;
		TaskWork work = null;
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken token = p.nextToken();
			switch (name) {
				case "id" -> id = text(p, token);
				case "deadlineMillis" -> {
					deadline = number(p, token);
					hasDeadline = true;
				}
				case "work" -> {
					work = (token == JsonToken.VALUE_NULL) ? null : work(p, token);
					if (work == null && token != JsonToken.VALUE_NULL) {
						return null;
					}
				}
				default -> p.skipChildren();
			}
		}
		return hasDeadline ? new Task(id, deadline, work) : null;
	}

	private static @Nullable TaskWork work(JsonParser p, JsonToken token) {
		if (token != JsonToken.START_OBJECT || !"kind".equals(p.nextName())) {
			return null;
		}
		String kind = p.nextStringValue();
		if ("whois".equals(kind)) {
			Fields f = fields(p, "host", "port", "query", "charset", "maxBytes", "connectTimeoutMillis", "proxy",
					"pace");
			if (f == null || !f.has(1) || !f.has(4) || !f.has(5)) {
				return null;
			}
			return new WhoisQuery(f.text(0), f.integer(1), f.text(2), f.text(3), f.integer(4), f.number(5),
					f.nested(6, SocksProxy.class), f.nested(7, Pace.class));
		}
		if ("rdap".equals(kind)) {
			Fields f = fields(p, "url", "maxBytes", "connectTimeoutMillis", "followRelated", "pace");
			if (f == null || !f.has(1) || !f.has(2) || !f.has(3)) {
				return null;
			}
			return new RdapQuery(f.text(0), f.integer(1), f.number(2), f.bool(3), f.nested(4, Pace.class));
		}
		return null;
	}

	// ---- result ----

	private static void result(JsonGenerator g, TaskResult result) {
		g.writeStringProperty("type", "result");
		g.writeStringProperty("taskId", result.taskId());
		g.writeStringProperty("outcome", (result.outcome() == null) ? null : result.outcome().name());
		g.writeStringProperty("text", result.text());
		g.writeNumberProperty("bytes", result.bytes());
		g.writeNumberProperty("elapsedMillis", result.elapsedMillis());
		g.writeStringProperty("detail", result.detail());
		g.writeName("retryAfterMillis");
		if (result.retryAfterMillis() == null) {
			g.writeNull();
		}
		else {
			g.writeNumber(result.retryAfterMillis().longValue());
		}
		if (result.credits() != null) {
			g.writeNumberProperty("credits", result.credits().intValue());
		}
	}

	private static @Nullable TaskResult result(JsonParser p) {
		Fields f = fields(p, "taskId", "outcome", "text", "bytes", "elapsedMillis", "detail", "retryAfterMillis",
				"credits");
		if (f == null || !f.has(3) || !f.has(4)) {
			return null;
		}
		String outcome = f.text(1);
		Long credits = f.boxedNumber(7);
		return new TaskResult(f.text(0), (outcome == null) ? null : TaskResult.Outcome.valueOf(outcome), f.text(2),
				f.number(3), f.number(4), f.text(5), f.boxedNumber(6),
				(credits == null) ? null : Math.toIntExact(credits));
	}

	// ---- campaign blocks ----

	private static void lease(JsonGenerator g, BlockLease lease) {
		g.writeStringProperty("type", "block");
		g.writeStringProperty("leaseId", lease.leaseId());
		g.writeNumberProperty("blockId", lease.blockId());
		g.writeNumberProperty("campaignId", lease.campaignId());
		g.writeStringProperty("first", lease.first());
		g.writeStringProperty("last", lease.last());
		g.writeName("sources");
		strings(g, lease.sources());
		g.writeBooleanProperty("verify", lease.verify());
		g.writeNumberProperty("leaseMillis", lease.leaseMillis());
	}

	private static @Nullable BlockLease lease(JsonParser p) {
		Fields f = fields(p, "leaseId", "blockId", "campaignId", "first", "last", "sources", "verify", "leaseMillis");
		if (f == null || !f.has(1) || !f.has(2) || !f.has(6) || !f.has(7)) {
			return null;
		}
		return new BlockLease(f.text(0), f.number(1), f.number(2), f.text(3), f.text(4), f.strings(5), f.bool(6),
				f.number(7));
	}

	private static void blockResult(JsonGenerator g, BlockResult result) {
		g.writeStringProperty("type", "block-result");
		g.writeStringProperty("leaseId", result.leaseId());
		g.writeName("found");
		g.writeStartArray();
		for (BlockResult.IpFinding finding : result.found()) {
			g.writeStartObject();
			g.writeStringProperty("ip", finding.ip());
			g.writeName("domains");
			if (finding.domains() == null) {
				g.writeNull();
			}
			else {
				g.writeStartArray();
				for (BlockResult.DomainFinding domain : finding.domains()) {
					g.writeStartObject();
					g.writeStringProperty("name", domain.name());
					g.writeName("sources");
					strings(g, domain.sources());
					g.writeName("verified");
					if (domain.verified() == null) {
						g.writeNull();
					}
					else {
						g.writeBoolean(domain.verified());
					}
					g.writeEndObject();
				}
				g.writeEndArray();
			}
			g.writeEndObject();
		}
		g.writeEndArray();
		g.writeName("empty");
		strings(g, result.empty());
	}

	private static @Nullable BlockResult blockResult(JsonParser p) {
		String leaseId = null;
		List<BlockResult.IpFinding> found = null;
		List<String> empty = null;
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken token = p.nextToken();
			switch (name) {
				case "leaseId" -> leaseId = text(p, token);
				case "found" -> {
					if (token != JsonToken.START_ARRAY) {
						return null;
					}
					found = new ArrayList<>();
					for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
						BlockResult.IpFinding finding = ipFinding(p, item);
						if (finding == null) {
							return null;
						}
						found.add(finding);
					}
				}
				case "empty" -> {
					empty = strings(p, token);
					if (empty == null) {
						return null;
					}
				}
				default -> p.skipChildren();
			}
		}
		return (found == null || empty == null) ? null : new BlockResult(leaseId, found, empty);
	}

	private static BlockResult.@Nullable IpFinding ipFinding(JsonParser p, JsonToken token) {
		if (token != JsonToken.START_OBJECT) {
			return null;
		}
		String ip = null;
		List<BlockResult.DomainFinding> domains = null;
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken value = p.nextToken();
			switch (name) {
				case "ip" -> ip = text(p, value);
				case "domains" -> {
					if (value != JsonToken.START_ARRAY) {
						return null;
					}
					domains = new ArrayList<>();
					for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
						if (item != JsonToken.START_OBJECT) {
							return null;
						}
						Fields f = fields(p, "name", "sources", "verified");
						if (f == null) {
							return null;
						}
						domains.add(new BlockResult.DomainFinding(f.text(0), f.strings(1), f.boxedBool(2)));
					}
				}
				default -> p.skipChildren();
			}
		}
		return (domains == null) ? null : new BlockResult.IpFinding(ip, domains);
	}

	// ---- session frames: hello, error, rests ----

	private static void hello(JsonGenerator g, Hello hello) {
		g.writeStringProperty("type", "hello");
		g.writeStringProperty("name", hello.name());
		g.writeStringProperty("token", hello.token());
		g.writeStringProperty("version", hello.version());
		g.writeNumberProperty("protocol", hello.protocol());
		g.writeName("capabilities");
		strings(g, hello.capabilities());
		g.writeNumberProperty("maxConcurrency", hello.maxConcurrency());
		g.writeName("heldResults");
		strings(g, hello.heldResults());
	}

	private static @Nullable Hello hello(JsonParser p) {
		Fields f = fields(p, "name", "token", "version", "protocol", "capabilities", "maxConcurrency", "heldResults");
		if (f == null || !f.has(3) || !f.has(4) || !f.has(5)) {
			return null;
		}
		return new Hello(f.text(0), f.text(1), f.text(2), f.integer(3), f.strings(4), f.integer(5), f.strings(6));
	}

	private static @Nullable ErrorFrame error(JsonParser p) {
		Fields f = fields(p, "code", "message", "taskId");
		return (f == null) ? null : new ErrorFrame(f.text(0), f.text(1), f.text(2));
	}

	private static void sourceRests(JsonGenerator g, SourceRests rests) {
		g.writeStringProperty("type", "source-rests");
		g.writeName("sources");
		g.writeStartArray();
		for (SourceRests.Rest rest : rests.sources()) {
			g.writeStartObject();
			g.writeStringProperty("source", rest.source());
			g.writeNumberProperty("restingMillis", rest.restingMillis());
			g.writeStringProperty("verdict", rest.verdict());
			g.writeStringProperty("reason", rest.reason());
			g.writeEndObject();
		}
		g.writeEndArray();
	}

	private static @Nullable SourceRests sourceRests(JsonParser p) {
		List<SourceRests.Rest> rests = null;
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken token = p.nextToken();
			if (!"sources".equals(name)) {
				p.skipChildren();
				continue;
			}
			rests = objects(p, token, (item) -> {
				Fields f = fields(item, "source", "restingMillis", "verdict", "reason");
				if (f == null || !f.has(1)) {
					throw new Unexpected();
				}
				return new SourceRests.Rest(f.text(0), f.number(1), f.text(2), f.text(3));
			});
		}
		return new SourceRests(rests);
	}

	// ---- the source list: read here, so that a probe needs no data binding; the server writes it by binding ----

	private static @Nullable SourceList sourceList(JsonParser p) {
		List<SourceDefinition> sources = null;
		boolean given = false;
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken token = p.nextToken();
			if (!"sources".equals(name)) {
				p.skipChildren();
				continue;
			}
			sources = objects(p, token, HotFrames::sourceDefinition);
			given = sources != null;
		}
		return given ? new SourceList(sources) : null; // a list of none is the record's to refuse
	}

	private static SourceDefinition sourceDefinition(JsonParser p) {
		Fields f = fields(p, "name", "version", "request", "extractor", "pagination", "blockMarkers", "emptyMarkers",
				"layoutCheck", "pace", "maxResults", "canary");
		if (f == null || !f.has(1) || !f.has(9)) {
			throw new Unexpected();
		}
		return new SourceDefinition(f.text(0), f.integer(1), f.nested(2, SourceRequest.class),
				f.nested(3, Extractor.class), f.nested(4, Pagination.class), f.nestedList(5, BlockMarker.class),
				f.strings(6), f.text(7), f.nested(8, Pace.class), f.integer(9), f.text(10));
	}

	private static SourceRequest sourceRequest(JsonParser p) {
		String method = null;
		String url = null;
		Map<String, String> headers = null;
		String body = null;
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken token = p.nextToken();
			switch (name) {
				case "method" -> method = text(p, token);
				case "urlTemplate" -> url = text(p, token);
				case "formBody" -> body = text(p, token);
				case "headers" -> headers = stringMap(p, token);
				default -> p.skipChildren();
			}
		}
		return new SourceRequest(method, url, headers, body);
	}

	private static Extractor extractor(JsonParser p) {
		Fields f = fields(p, "kind", "expression", "attribute", "hostOfUrl", "countExpression");
		if (f == null || !f.has(3)) {
			throw new Unexpected();
		}
		String kind = f.text(0);
		return new Extractor((kind == null) ? null : Extractor.Kind.valueOf(kind), f.text(1), f.text(2), f.bool(3),
				f.text(4));
	}

	private static Pagination pagination(JsonParser p) {
		Fields f = fields(p, "first", "step", "perPage", "maxPages");
		if (f == null || !f.has(0) || !f.has(1) || !f.has(2) || !f.has(3)) {
			throw new Unexpected();
		}
		return new Pagination(f.integer(0), f.integer(1), f.integer(2), f.integer(3));
	}

	private static BlockMarker blockMarker(JsonParser p) {
		Fields f = fields(p, "match", "value", "verdict");
		if (f == null) {
			throw new Unexpected();
		}
		String match = f.text(0);
		String verdict = f.text(2);
		return new BlockMarker((match == null) ? null : BlockMarker.Match.valueOf(match), f.text(1),
				(verdict == null) ? null : Verdict.valueOf(verdict));
	}

	private static @Nullable Map<String, String> stringMap(JsonParser p, JsonToken token) {
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		if (token != JsonToken.START_OBJECT) {
			throw new Unexpected();
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			if (p.nextToken() != JsonToken.VALUE_STRING) {
				throw new Unexpected();
			}
			values.put(name, p.getString());
		}
		return values;
	}

	/** An array of objects, each read by {@code item} from its first field on; {@code null} for JSON null. */
	private static <T> @Nullable List<T> objects(JsonParser p, JsonToken token, ObjectReader<T> item) {
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		if (token != JsonToken.START_ARRAY) {
			throw new Unexpected();
		}
		List<T> values = new ArrayList<>();
		for (JsonToken next = p.nextToken(); next != JsonToken.END_ARRAY; next = p.nextToken()) {
			if (next != JsonToken.START_OBJECT) {
				throw new Unexpected();
			}
			values.add(item.read(p));
		}
		return values;
	}

	/** Reads one object's fields, its start already read, and refuses (throws) a shape it does not take. */
	@FunctionalInterface
	private interface ObjectReader<T> {

		T read(JsonParser p);
	}

	// ---- pieces ----

	private static void strings(JsonGenerator g, @Nullable List<String> values) {
		if (values == null) {
			g.writeNull();
			return;
		}
		g.writeStartArray();
		for (String value : values) {
			g.writeString(value);
		}
		g.writeEndArray();
	}

	/** The frame's type: its first field, a string; {@code null} for any other shape. */
	private static @Nullable String type(JsonParser p) {
		if (p.nextToken() != JsonToken.START_OBJECT || !"type".equals(p.nextName())) {
			return null;
		}
		return p.nextStringValue();
	}

	/** A string or null; any other kind of value throws, so the caller falls back. */
	private static @Nullable String text(JsonParser p, JsonToken token) {
		if (token == JsonToken.VALUE_STRING) {
			return p.getString();
		}
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		throw new Unexpected();
	}

	/** An integer number; anything else (null included: a primitive) throws, so the caller falls back. */
	private static long number(JsonParser p, JsonToken token) {
		if (token != JsonToken.VALUE_NUMBER_INT) {
			throw new Unexpected();
		}
		return p.getLongValue();
	}

	private static @Nullable List<String> strings(JsonParser p, JsonToken token) {
		if (token != JsonToken.START_ARRAY) {
			return null;
		}
		List<String> values = new ArrayList<>();
		for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
			if (item != JsonToken.VALUE_STRING) {
				throw new Unexpected();
			}
			values.add(p.getString());
		}
		return values;
	}

	/**
	 * Reads the fields of the object the parser is in (its start already read) by name, in any order; an unknown
	 * field is skipped, a repeated one takes its last value. {@code null} when a value is of a kind the field never
	 * has.
	 */
	private static @Nullable Fields fields(JsonParser p, String... names) {
		Fields fields = new Fields(names.length);
		for (String name = p.nextName(); name != null; name = p.nextName()) {
			JsonToken token = p.nextToken();
			int i = indexOf(names, name);
			if (i < 0) {
				p.skipChildren();
				continue;
			}
			Object value = switch (token) {
				case VALUE_STRING -> p.getString();
				case VALUE_NUMBER_INT -> p.getLongValue();
				case VALUE_TRUE -> Boolean.TRUE;
				case VALUE_FALSE -> Boolean.FALSE;
				case VALUE_NULL -> null;
				case START_ARRAY -> "blockMarkers".equals(name) ? objects(p, token, HotFrames::blockMarker)
						: strings(p, token);
				case START_OBJECT -> nested(p, name);
				default -> throw new Unexpected();
			};
			fields.set(i, value, token != JsonToken.VALUE_NULL);
		}
		return fields;
	}

	/** The nested objects of the frames read here, known by their field's name. */
	private static Object nested(JsonParser p, String name) {
		switch (name) {
			case "proxy" -> {
				Fields f = fields(p, "host", "port", "username", "password");
				if (f == null || !f.has(1)) {
					throw new Unexpected();
				}
				return new SocksProxy(f.text(0), f.integer(1), f.text(2), f.text(3));
			}
			case "pace" -> {
				Fields f = fields(p, "minIntervalMillis", "maxConnections");
				if (f == null || !f.has(0) || !f.has(1)) {
					throw new Unexpected();
				}
				return new Pace(f.number(0), f.integer(1));
			}
			case "request" -> {
				return sourceRequest(p);
			}
			case "extractor" -> {
				return extractor(p);
			}
			case "pagination" -> {
				return pagination(p);
			}
			default -> throw new Unexpected();
		}
	}

	private static int indexOf(String[] names, String name) {
		for (int i = 0; i < names.length; i++) {
			if (names[i].equals(name)) {
				return i;
			}
		}
		return -1;
	}

	/** Values read by position, with whether each was given (not missing, not null). */
	private static final class Fields {

		private final @Nullable Object[] values;

		private final boolean[] given;

		Fields(int size) {
			this.values = new Object[size];
			this.given = new boolean[size];
		}

		void set(int i, @Nullable Object value, boolean given) {
			this.values[i] = value;
			this.given[i] = given;
		}

		boolean has(int i) {
			return this.given[i];
		}

		@Nullable String text(int i) {
			Object value = this.values[i];
			if (value == null || value instanceof String) {
				return (String) value;
			}
			throw new Unexpected();
		}

		/** A primitive: missing or null throws, as data binding refuses both. */
		long number(int i) {
			if (this.values[i] instanceof Long value) {
				return value;
			}
			throw new Unexpected();
		}

		int integer(int i) {
			return Math.toIntExact(number(i));
		}

		@Nullable Long boxedNumber(int i) {
			return (this.values[i] == null) ? null : number(i);
		}

		boolean bool(int i) {
			if (this.values[i] instanceof Boolean value) {
				return value;
			}
			throw new Unexpected();
		}

		@Nullable Boolean boxedBool(int i) {
			return (this.values[i] == null) ? null : bool(i);
		}

		@SuppressWarnings("unchecked")
		@Nullable List<String> strings(int i) {
			Object value = this.values[i];
			if (value == null || value instanceof List<?>) {
				return (List<String>) value;
			}
			throw new Unexpected();
		}

		/** A nested object of the given type, or {@code null}. */
		<T> @Nullable T nested(int i, Class<T> type) {
			Object value = this.values[i];
			if (value == null || type.isInstance(value)) {
				return type.cast(value);
			}
			throw new Unexpected();
		}

		/** A list of nested objects of the given type, or {@code null}. */
		@SuppressWarnings("unchecked")
		<T> @Nullable List<T> nestedList(int i, Class<T> type) {
			Object value = this.values[i];
			if (value == null || (value instanceof List<?> list && list.stream().allMatch(type::isInstance))) {
				return (List<T>) value;
			}
			throw new Unexpected();
		}
	}

	/** A value this reader does not take: data binding reads the frame instead. */
	private static final class Unexpected extends RuntimeException {

		Unexpected() {
			super(null, null, false, false);
		}
	}
}
