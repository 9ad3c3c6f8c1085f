package dev.dragnet.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Dragnet server: WHOIS over HTTP, probe sessions over WebSocket, results in PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DragnetServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(DragnetServerApplication.class, args);
	}
}
