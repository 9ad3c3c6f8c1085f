package dev.dragnet.server.whois.bulk;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.dragnet.net.InvalidDomainException;
import dev.dragnet.server.web.ProblemException;
import org.springframework.http.HttpStatus;

/**
 * The error of one bulk line, shaped like the RFC 9457 problem the single lookup would have answered: the same
 * {@code type}, {@code status}, {@code title} and {@code detail}, and the same extra members (such as
 * {@code attempts}).
 *
 * @param type the problem type, {@code /problems/<slug>}
 * @param status the HTTP status the single lookup would have answered
 * @param title the problem's short title
 * @param detail what went wrong, for a person
 * @param extensions extra members, written beside the others
 */
@JsonPropertyOrder({ "type", "status", "title", "detail" })
record BulkError(String type, int status, String title, String detail, @JsonIgnore Map<String, Object> extensions) {

	static BulkError of(ProblemException problem) {
		return new BulkError(problem.type().toString(), problem.status().value(), problem.title(),
				String.valueOf(problem.getMessage()), problem.properties());
	}

	static BulkError of(InvalidDomainException ex) {
		return new BulkError("/problems/invalid-domain", HttpStatus.BAD_REQUEST.value(), "Invalid domain name",
				String.valueOf(ex.getMessage()), Map.of());
	}

	static BulkError internal(String detail) {
		return new BulkError("/problems/internal", HttpStatus.INTERNAL_SERVER_ERROR.value(), "Internal error", detail,
				Map.of());
	}

	@JsonAnyGetter
	Map<String, Object> members() {
		return this.extensions;
	}
}
