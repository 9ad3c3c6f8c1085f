package dev.dragnet.server.web;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may change things through the HTTP API.
 *
 * @param token the admin token: POST, PUT, PATCH and DELETE under {@code /api/} need
 * {@code Authorization: Bearer <token>}. When unset, a random token is generated at each start and logged once
 * at WARN
 * @param protectReads whether GET (and HEAD) under {@code /api/} need the token too
 */
@ConfigurationProperties("dragnet.admin")
record AdminProperties(@Nullable String token, @DefaultValue("false") boolean protectReads) {
}
