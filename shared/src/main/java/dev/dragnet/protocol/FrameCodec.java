package dev.dragnet.protocol;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes protocol frames as JSON text. Thread-safe and cheap to share.
 *
 * <p>Decoding is strict about shape (known {@code type}, required fields) but ignores unknown properties, so
 * a newer peer can add fields without breaking an older one.
 *
 * <p>Every frame a probe sends or reads goes through {@link HotFrames}, field by field on Jackson's token stream.
 * Data binding, the reference for what a frame means, reads what {@code HotFrames} does not take (an odd shape,
 * which it reads or refuses) and writes the server's source list. It is set up on first use: a probe that talks
 * only in well-formed frames never loads it, some 650 classes and several megabytes of a PC's memory (issue 12).
 */
public final class FrameCodec {

	private final HotFrames frames = new HotFrames(new JsonFactory());

	/** The frames read and written field by field; {@code null}: data binding only. */
	private final @Nullable HotFrames hot;

	public FrameCodec() {
		this(true);
	}

	/** @param hotPath whether frames take {@link HotFrames} (off only to compare, in tests) */
	FrameCodec(boolean hotPath) {
		this.hot = hotPath ? this.frames : null;
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

	/**
	 * What a task frame that cannot be read still says: its id and the kind of its work, so that a probe can answer
	 * it. {@code null} when the text is not a task (or not JSON at all).
	 */
	public @Nullable TaskHeader taskHeader(String text) {
		return this.frames.taskHeader(text);
	}

	/**
	 * The id and work kind of a task frame, read whatever else is wrong with it.
	 *
	 * @param taskId the task's id, or {@code null} when it has none
	 * @param kind the work's kind, empty when it names none
	 */
	public record TaskHeader(@Nullable String taskId, String kind) {
	}

	/** Refuses a frame over {@link Protocol#MAX_FRAME_BYTES} in UTF-8, counted without encoding it. */
	private static void checkSize(String text) {
		if (!Protocol.fitsInFrame(text)) {
			throw new BadFrameException("frame of " + Protocol.utf8Length(text) + " bytes exceeds the limit of "
					+ Protocol.MAX_FRAME_BYTES);
		}
	}

	private static String write(Object frame, Class<?> type) {
		return Binding.MAPPER.writerFor(type).writeValueAsString(frame);
	}

	private static <T> T read(String text, Class<T> type) {
		try {
			T frame = Binding.MAPPER.readValue(text, type);
			if (frame == null) {
				throw new BadFrameException("frame is JSON null");
			}
			return frame;
		}
		catch (JacksonException ex) {
			throw new BadFrameException("not a valid " + type.getSimpleName() + ": " + ex.getOriginalMessage());
		}
	}

	/** Data binding, set up when this class is first used (the JVM's lazy holder). */
	private static final class Binding {

		static final JsonMapper MAPPER = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.build();
	}

	/** A frame that is not valid JSON, names an unknown type, or lacks a required field. */
	public static final class BadFrameException extends RuntimeException {

		public BadFrameException(String message) {
			super(message);
		}
	}
}
