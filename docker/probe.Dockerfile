# Dragnet probe agent image. Build the jars first (mvn -B -DskipTests package), then from the repository root:
#   docker build -f docker/probe.Dockerfile -t dragnet-probe .
# Configure with DRAGNET_SERVER, DRAGNET_TOKEN, DRAGNET_PROBE_NAME, DRAGNET_CONCURRENCY.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 dragnet
COPY probe-agent/target/dragnet-probe.jar /opt/dragnet/dragnet-probe.jar
USER dragnet
# A 64 MB heap that starts at 8 MB with a 2 MB young generation, the serial collector and the client compiler
# only: the probe needs no more (docs/BENCHMARKS.md, "The probe agent's footprint").
ENTRYPOINT ["java", "-Xmx64m", "-Xms8m", "-Xmn2m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "/opt/dragnet/dragnet-probe.jar"]
