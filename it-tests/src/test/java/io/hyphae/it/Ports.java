package io.hyphae.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for brokers started by tests. */
final class Ports {

    private Ports() {
    }

    /** A free port whose successor (the local broker's controller port) is free too. */
    static int freePair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (ServerSocket next = new ServerSocket(port + 1, 50, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken: try another pair
            }
        }
        throw new IllegalStateException("no free pair of loopback ports");
    }
}
