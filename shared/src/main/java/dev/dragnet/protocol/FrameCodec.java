package dev.dragnet.protocol;

import java.nio.charset.StandardCharsets;

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

	public FrameCodec() {
		this.mapper = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.build();
	}

	public String encode(ProbeFrame frame) {
		return write(frame, ProbeFrame.class);
	}

	public String encode(ServerFrame frame) {
		return write(frame, ServerFrame.class);
	}

	/** Reads a frame sent by a probe; throws {@link BadFrameException} with a readable reason otherwise. */
	public ProbeFrame decodeProbeFrame(String text) {
		return read(text, ProbeFrame.class);
	}

	/** Reads a frame sent by the server; throws {@link BadFrameException} with a readable reason otherwise. */
	public ServerFrame decodeServerFrame(String text) {
		return read(text, ServerFrame.class);
	}

	private String write(Object frame, Class<?> type) {
		return this.mapper.writerFor(type).writeValueAsString(frame);
	}

	private <T> T read(String text, Class<T> type) {
		int bytes = text.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > Protocol.MAX_FRAME_BYTES) {
			throw new BadFrameException("frame of " + bytes + " bytes exceeds the limit of " + Protocol.MAX_FRAME_BYTES);
		}
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
