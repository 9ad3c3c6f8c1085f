package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A frame the server sends to a probe. The JSON {@code type} property names the kind. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = Welcome.class, name = "welcome"),
		@JsonSubTypes.Type(value = Ping.class, name = "ping"),
		@JsonSubTypes.Type(value = Task.class, name = "task"),
		@JsonSubTypes.Type(value = ErrorFrame.class, name = "error"),
		@JsonSubTypes.Type(value = BlockLease.class, name = "block"),
		@JsonSubTypes.Type(value = BlockAck.class, name = "block-ack"),
		@JsonSubTypes.Type(value = CampaignNotice.class, name = "campaign"),
		@JsonSubTypes.Type(value = SourceList.class, name = "sources") })
public sealed interface ServerFrame permits Welcome, Ping, Task, ErrorFrame, BlockLease, BlockAck, CampaignNotice,
		SourceList {
}
