# Dragnet server image. Build the jars first (mvn -B -DskipTests package), then from the repository root:
#   docker build -f docker/server.Dockerfile -t dragnet-server .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/dragnet --create-home dragnet
COPY server/target/dragnet-server.jar /opt/dragnet/dragnet-server.jar
USER dragnet
WORKDIR /var/lib/dragnet
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/dragnet/dragnet-server.jar"]
