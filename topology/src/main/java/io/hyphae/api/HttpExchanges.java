package io.hyphae.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reading requests and writing JSON responses; every error is {@code {"error": ..., "message": ...}}. */
final class HttpExchanges {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpExchanges() {
    }

    /** A request body larger than the limit. */
    static final class TooLarge extends Exception {
        TooLarge(long limit) {
            super("the body is larger than " + limit + " bytes");
        }
    }

    /** The body, at most {@code limit} bytes. */
    static byte[] body(HttpExchange exchange, int limit) throws IOException, TooLarge {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long declared = length == null ? -1 : Long.parseLong(length.trim());
        if (declared > limit) {
            throw new TooLarge(limit);
        }
        try (InputStream in = exchange.getRequestBody()) {
            if (declared >= 0) {
                // read into one array of the declared size; the server's stream ends there
                byte[] bytes = new byte[(int) declared];
                int read = in.readNBytes(bytes, 0, bytes.length);
                return read == bytes.length ? bytes : Arrays.copyOf(bytes, read);
            }
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new TooLarge(limit);
            }
            return bytes;
        }
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static void error(HttpExchange exchange, int status, String error, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("message", message);
        json(exchange, status, body);
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (status == 204) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
