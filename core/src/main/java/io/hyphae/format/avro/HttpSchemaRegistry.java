package io.hyphae.format.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.route.RegistrySettings;
import org.apache.avro.Schema;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Karapace and
 * Hortonworks' compatibility layer). Ids and schemas are cached: one HTTP call per new schema, none per record.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public HttpSchemaRegistry(RegistrySettings settings) {
        this.url = settings.url().orElseThrow(() -> new IllegalArgumentException("no schema registry URL")).replaceAll("/+$", "");
        this.authorization = settings.basicAuth().map(userInfo ->
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (url.startsWith("https:")) {
            builder.sslContext(sslContext(settings.properties()));
        }
        this.http = builder.build();
    }

    public String url() {
        return url;
    }

    @Override
    public int register(String subject, Schema schema) {
        String key = subject + "\u0000" + schema;
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", body(schema));
        int id = answer.get("id").asInt();
        idsBySubjectAndSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Optional<Integer> lookup(String subject, Schema schema) {
        String key = subject + "\u0000" + schema;
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            JsonNode answer = send("POST", "/subjects/" + encode(subject), body(schema));
            int id = answer.get("id").asInt();
            idsBySubjectAndSchema.put(key, id);
            return Optional.of(id);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Schema byId(int id) {
        return schemasById.computeIfAbsent(id, i -> new Schema.Parser().parse(send("GET", "/schemas/ids/" + i, null).get("schema").asText()));
    }

    @Override
    public Optional<Schema> latest(String subject) {
        try {
            return Optional.of(new Schema.Parser().parse(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null).get("schema").asText()));
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public Optional<Boolean> compatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", body(schema));
            return Optional.ofNullable(answer.get("is_compatible")).map(JsonNode::asBoolean);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404 || e.status() == 405 || e.status() == 500 || e.status() == 501) {
                // not offered (some registries answer 500 for unknown paths)
                return Optional.empty();
            }
            if (e.status() == 409 || e.status() == 422) {
                return Optional.of(false);
            }
            throw e;
        }
    }

    private static String body(Schema schema) {
        // Only "schema": some registries refuse any other field.
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> request.header("Authorization", a));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry " + url + " unreachable: " + e.getMessage(), -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry", -1, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("schema registry " + method + " " + path + " answered " + response.statusCode() + ": "
                    + message(response.body()), response.statusCode(), null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry " + path + " answered something that is not JSON: " + response.body(), response.statusCode(), e);
        }
    }

    private static String message(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.hasNonNull("message")) {
                return node.get("message").asText() + (node.hasNonNull("error_code") ? " (error " + node.get("error_code").asText() + ")" : "");
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: show it as it is
        }
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }

    /** TLS from ssl.truststore.* / ssl.keystore.* settings, as Kafka clients name them. */
    private static SSLContext sslContext(Map<String, String> props) {
        try {
            TrustManagerFactory tmf = null;
            if (props.containsKey("ssl.truststore.location")) {
                KeyStore trust = load(props.get("ssl.truststore.location"), props.get("ssl.truststore.password"), props.getOrDefault("ssl.truststore.type", "PKCS12"));
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (props.containsKey("ssl.keystore.location")) {
                String password = props.getOrDefault("ssl.key.password", props.get("ssl.keystore.password"));
                KeyStore keys = load(props.get("ssl.keystore.location"), props.get("ssl.keystore.password"), props.getOrDefault("ssl.keystore.type", "PKCS12"));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password == null ? null : password.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid schema registry TLS settings: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, String password, String type) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }
}
