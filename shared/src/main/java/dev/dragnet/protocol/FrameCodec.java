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
		if (!Protocol.fitsInFrame(text)) {
			throw new BadFrameException("frame of " + Protocol.utf8Length(text) + " bytes exceeds the limit of "
					+ Protocol.MAX_FRAME_BYTES);
		}
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
