package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A frame a probe sends to the server. The JSON {@code type} property names the kind. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = Hello.class, name = "hello"),
		@JsonSubTypes.Type(value = Pong.class, name = "pong"),
		@JsonSubTypes.Type(value = CreditGrant.class, name = "credit"),
		@JsonSubTypes.Type(value = TaskResult.class, name = "result"),
		@JsonSubTypes.Type(value = ErrorFrame.class, name = "error"),
		@JsonSubTypes.Type(value = WantBlocks.class, name = "want-blocks"),
		@JsonSubTypes.Type(value = BlockProgress.class, name = "progress"),
		@JsonSubTypes.Type(value = BlockResult.class, name = "block-result"),
		@JsonSubTypes.Type(value = BlockGiveUp.class, name = "block-give-up"),
		@JsonSubTypes.Type(value = SourceRests.class, name = "source-rests") })
public sealed interface ProbeFrame permits Hello, Pong, CreditGrant, TaskResult, ErrorFrame, WantBlocks, BlockProgress,
		BlockResult, BlockGiveUp, SourceRests {
}
