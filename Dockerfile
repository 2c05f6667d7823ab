# The Hyphae application image: builds the command line with Maven, then runs it on a JRE.
#   docker build -t hyphae .
#   docker run --rm -e KAFKA_BOOTSTRAP=broker:9092 -e SCHEMA_REGISTRY_URL=http://registry:8081 \
#     -v "$PWD/examples/insurance:/hyphae/examples/insurance:ro" -v "$PWD/schemas:/hyphae/schemas:ro" \
#     hyphae run /hyphae/examples/insurance/insurance.yaml
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY core core
COPY connectors/webhook connectors/webhook
COPY connectors/cdc connectors/cdc
COPY connectors/bridges connectors/bridges
COPY edge edge
COPY topology topology
# Maven reads every module the parent lists; only topology (and what it needs) is built.
COPY registry-server/pom.xml registry-server/pom.xml
COPY connect-worker/pom.xml connect-worker/pom.xml
COPY it-tests/pom.xml it-tests/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN mvn -B -q -DskipTests -pl topology -am package

FROM eclipse-temurin:17-jre
WORKDIR /opt/hyphae
COPY --from=build /src/topology/target/hyphae.jar ./hyphae.jar
COPY --from=build /src/topology/target/lib ./lib
RUN useradd --system --uid 1001 hyphae
USER hyphae
ENV HYPHAE_JAVA_OPTS="-Xmx256m -XX:+UseParallelGC"
# In a container, a missing KAFKA_BOOTSTRAP is an error, never a broker started inside it.
ENV HYPHAE_LOCAL=never
ENTRYPOINT ["sh", "-c", "exec java $HYPHAE_JAVA_OPTS -jar /opt/hyphae/hyphae.jar \"$@\"", "hyphae"]
CMD ["--help"]
