package io.hyphae.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A load generator's HTTP/1.1 client: one kept-alive connection, one request at a time, each written in one piece and
 * its answer read by its {@code Content-Length}. It does what a benchmark's client must and no more, so that the CPU of
 * the machine goes to the server under test: the JDK's {@code HttpClient} took about 110 µs of CPU per request on its
 * own threads here, as much as the API server's whole handling of a single event.
 */
final class KeepAliveHttpClient implements AutoCloseable {

    /** An answer: its status and body. */
    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private final StringBuilder line = new StringBuilder();

    KeepAliveHttpClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        host = server.getHostString() + ":" + server.getPort();
    }

    /** {@code POST path} with the body and the given header lines ({@code "Name: value"}); waits for the answer. */
    Answer post(String path, byte[] body, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(128 + 32 * headers.length).append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\nContent-Length: ").append(body.length).append("\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return answer();
    }

    private Answer answer() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        int length = 0;
        for (String h = readLine(); !h.isEmpty(); h = readLine()) {
            if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (h.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)) {
                throw new IOException("this client reads answers by their Content-Length, not " + h);
            }
        }
        return new Answer(Integer.parseInt(status.substring(9, 12)), in.readNBytes(length));
    }

    private String readLine() throws IOException {
        line.setLength(0);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
