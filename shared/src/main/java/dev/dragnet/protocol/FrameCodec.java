package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes protocol frames as JSON text. Thread-safe and cheap to share.
 *
 * <p>Decoding is strict about shape (known {@code type}, required fields) but ignores unknown properties, so
 * a newer peer can add fields without breaking an older one.
 */
public final class FrameCodec {

	private final JsonMapper mapper;

	/** The frames of every task and block, read and written field by field; {@code null}: data binding only. */
	private final @Nullable HotFrames hot;

	public FrameCodec() {
		this(true);
	}

	/** @param hotPath whether the task and block frames take {@link HotFrames} (off only to compare, in tests) */
	FrameCodec(boolean hotPath) {
		this.mapper = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.build();
		this.hot = hotPath ? new HotFrames(this.mapper.tokenStreamFactory()) : null;
	}

	public String encode(ProbeFrame frame) {
		String text = (this.hot != null) ? this.hot.write(frame) : null;
		return (text != null) ? text : write(frame, ProbeFrame.class);
	}

	public String encode(ServerFrame frame) {
		String text = (this.hot != null) ? this.hot.write(frame) : null;
		return (text != null) ? text : write(frame, ServerFrame.class);
	}

	/** Reads a frame sent by a probe; throws {@link BadFrameException} with a readable reason otherwise. */
	public ProbeFrame decodeProbeFrame(String text) {
		checkSize(text);
		ProbeFrame frame = (this.hot != null) ? this.hot.readProbeFrame(text) : null;
		return (frame != null) ? frame : read(text, ProbeFrame.class);
	}

	/** Reads a frame sent by the server; throws {@link BadFrameException} with a readable reason otherwise. */
	public ServerFrame decodeServerFrame(String text) {
		checkSize(text);
		ServerFrame frame = (this.hot != null) ? this.hot.readServerFrame(text) : null;
		return (frame != null) ? frame : read(text, ServerFrame.class);
	}

	/** Refuses a frame over {@link Protocol#MAX_FRAME_BYTES} in UTF-8, counted without encoding it. */
	private static void checkSize(String text) {
		if ((long) text.length() * 3 <= Protocol.MAX_FRAME_BYTES) {
			return; // no character takes more than 3 bytes (a surrogate pair's 4 are 2 per char)
		}
		long bytes = utf8Length(text);
		if (bytes > Protocol.MAX_FRAME_BYTES) {
			throw new BadFrameException("frame of " + bytes + " bytes exceeds the limit of " + Protocol.MAX_FRAME_BYTES);
		}
	}

	/** What {@code text.getBytes(UTF_8).length} gives (a lone surrogate is one replacement byte '?'), without the copy. */
	static long utf8Length(String text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				bytes++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

	private String write(Object frame, Class<?> type) {
		return this.mapper.writerFor(type).writeValueAsString(frame);
	}

	private <T> T read(String text, Class<T> type) {
		try {
			T frame = this.mapper.readValue(text, type);
			if (frame == null) {
				throw new BadFrameException("frame is JSON null");
			}
			return frame;
		}
		catch (JacksonException ex) {
			throw new BadFrameException("not a valid " + type.getSimpleName() + ": " + ex.getOriginalMessage());
		}
	}

	/** A frame that is not valid JSON, names an unknown type, or lacks a required field. */
	public static final class BadFrameException extends RuntimeException {

		public BadFrameException(String message) {
			super(message);
		}
	}
}
