# Dragnet probe agent image. Build the jars first (mvn -B -DskipTests package), then from the repository root:
#   docker build -f docker/probe.Dockerfile -t dragnet-probe .
# Configure with DRAGNET_SERVER, DRAGNET_TOKEN, DRAGNET_PROBE_NAME, DRAGNET_CONCURRENCY.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 dragnet
COPY probe-agent/target/dragnet-probe.jar /opt/dragnet/dragnet-probe.jar
USER dragnet
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/opt/dragnet/dragnet-probe.jar"]
