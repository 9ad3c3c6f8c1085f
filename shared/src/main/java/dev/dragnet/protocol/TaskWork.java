package dev.dragnet.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The kind-specific part of a {@link Task}. The JSON {@code kind} property names the kind. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = WhoisQuery.class, name = "whois"),
		@JsonSubTypes.Type(value = RdapQuery.class, name = "rdap") })
public sealed interface TaskWork permits WhoisQuery, RdapQuery {
}
