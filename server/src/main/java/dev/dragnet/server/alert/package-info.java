/**
 * Alerts: probes that go down (one message per detection round), come back, or flap (a daily digest), and
 * campaigns that end, mailed to the admins through Spring's {@code JavaMailSender} from a bounded outbox that
 * retries with backoff; logged only when no mail server or no recipient is configured.
 */
@NullMarked
package dev.dragnet.server.alert;

import org.jspecify.annotations.NullMarked;
