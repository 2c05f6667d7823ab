package io.hyphae.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The bridge benchmark, in one run on one machine: a Mosquitto of its own (free 127.0.0.1 port), the machine's
 * RabbitMQ (127.0.0.1:5672, guest/guest), a fresh local broker and Connect worker with the bridges' plugin. Inbound
 * messages/s of N messages, from the first publish to the N-th record in Kafka (MQTT QoS 1 through the bridge;
 * RabbitMQ through the bridge), against a plain client consuming the same N messages from the same broker (MQTT QoS 1
 * subscriber; RabbitMQ consumer with manual acks and the same prefetch); then MQTT in → a route → MQTT out at a fixed
 * rate: the end-to-end latency, p50 and p99 (publish → arrival, both on this machine's clock).
 */
public final class BridgeBenchmark {

    private BridgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int n = Integer.parseInt(a.getOrDefault("messages", "20000"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "200"));
        int seconds = Integer.parseInt(a.getOrDefault("latency-seconds", "20"));
        Path results = Path.of(a.getOrDefault("results", "bench/results"));
        Path work = Files.createDirectories(Path.of(a.getOrDefault("work", "bench/target/bridge-work")).toAbsolutePath());
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

        int mqttPort = freePort();
        Path mq = Files.createDirectories(work.resolve("mosquitto-" + run));
        Files.writeString(mq.resolve("mosquitto.conf"), "listener " + mqttPort + " 127.0.0.1\nuser " + System.getProperty("user.name")
                + "\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 0\n");
        Process mosquitto = new ProcessBuilder("/usr/sbin/mosquitto", "-c", mq.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(mq.resolve("mosquitto.log").toFile()).start();
        awaitPort(mqttPort);
        String mqttUrl = "tcp://127.0.0.1:" + mqttPort;
        String queueBase = "hyphae-bench-" + run;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri("amqp://guest:guest@127.0.0.1:5672/%2f");
        LocalKafka kafka = new LocalKafka(work.resolve("stack-" + run), freePort());
        LocalConnect connect = new LocalConnect(work.resolve("stack-" + run), freePort(), kafka, List.of(Path.of(LocalConnect.BRIDGES_PLUGIN)));
        List<String> lines = new ArrayList<>();
        HyphaeApplication app = null;
        try (Connection rabbit = factory.newConnection("hyphae-bench")) {
            String url = connect.ensureRunning(m -> System.err.println("bench: " + m));
            String file = """
                    application: bench
                    topics: { partitions: 1, replicationFactor: 1 }
                    routes:
                      lat:
                        from: bench.lat.in
                        stages:
                          - s: { transform: { set: { seen: "true" } } }
                    bridges:
                      mqtt-in:
                        direction: in
                        topic: bench.mqtt.in
                        key: dev
                        mqtt: { url: %1$s, topics: ["b%2$s/in/{dev}"], qos: 1 }
                      rabbit-in:
                        direction: in
                        topic: bench.rabbit.in
                        rabbitmq: { uri: "amqp://guest:guest@127.0.0.1:5672/%%2f", queue: %3$s-bridge, prefetch: 500 }
                      lat-in:
                        direction: in
                        route: lat
                        key: dev
                        mqtt: { url: %1$s, topics: ["b%2$s/lat/in/{dev}"], qos: 1 }
                      lat-out:
                        direction: out
                        stage: lat.s
                        mqtt: { url: %1$s, topic: "'b%2$s/lat/out/' + value.dev", qos: 1 }
                    """.formatted(mqttUrl, run, queueBase);
            Path routeFile = work.resolve("bench-" + run + ".yaml");
            Files.writeString(routeFile, file);
            CheckedFile checked = new RouteFileLoader(x -> null).loadChecked(routeFile);
            app = new HyphaeApplication(checked.file(), kafka.bootstrapServers(), m -> System.err.println("bench: " + m));
            app.start();
            app.awaitRunning(Duration.ofSeconds(90));
            SubscriberConnectors.apply(checked, new ConnectRestClient(url), m -> System.err.println("bench: " + m));
            Thread.sleep(5_000); // the connectors' tasks start

            Mqtt5AsyncClient publisher = mqtt("bench-pub-" + run, mqttPort);
            publisher.connect().get(10, TimeUnit.SECONDS);
            // MQTT QoS 1: a plain subscriber, then the bridge
            double mqttBase = mqttBaseline(publisher, mqttPort, "b" + run + "/base/", n);
            double mqttBridge = rate(n, () -> publishAll(publisher, "b" + run + "/in/", n), kafka, "bench.mqtt.in");
            // RabbitMQ: a plain consumer (manual acks, prefetch 500), then the bridge
            double rabbitBase = rabbitBaseline(rabbit, queueBase + "-plain", n);
            double rabbitBridge = rate(n, () -> publishRabbit(rabbit, queueBase + "-bridge", n), kafka, "bench.rabbit.in");
            // MQTT in -> route -> MQTT out at a fixed rate
            long[] latency = latency(publisher, mqttPort, run, rate, seconds);
            try (Channel c = rabbit.createChannel()) {
                c.queueDelete(queueBase + "-plain");
                c.queueDelete(queueBase + "-bridge");
            }
            lines.add("# Bridge benchmark, " + LocalDate.now() + "\n");
            lines.add("Command: `bench/bridges.sh --messages " + n + " --rate " + rate + " --latency-seconds " + seconds + "`; one run, "
                    + "one machine (" + Runtime.getRuntime().availableProcessors() + " cores; load average at the end "
                    + String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                    + "), one local Kafka broker, one Connect worker, Mosquitto " + mqttUrl + ", RabbitMQ 127.0.0.1:5672.\n");
            lines.add("| inbound, " + n + " messages | plain client (msg/s) | through the bridge into Kafka (msg/s) | ratio |");
            lines.add("|---|---|---|---|");
            lines.add(String.format(Locale.ROOT, "| MQTT QoS 1 | %.0f | %.0f | %.2f |", mqttBase, mqttBridge, mqttBridge / mqttBase));
            lines.add(String.format(Locale.ROOT, "| RabbitMQ (manual acks, prefetch 500) | %.0f | %.0f | %.2f |", rabbitBase, rabbitBridge, rabbitBridge / rabbitBase));
            lines.add("");
            lines.add(String.format(Locale.ROOT, "End to end MQTT in → route (one transform stage, exactly-once) → MQTT out, QoS 1, %d msg/s for %d s: "
                    + "%d messages, p50 %d ms, p99 %d ms, max %d ms.", rate, seconds, latency[0], latency[1], latency[2], latency[3]));
            publisher.disconnect();
        } finally {
            if (app != null) {
                app.close();
            }
            connect.stop(m -> { });
            kafka.stop(m -> { });
            mosquitto.destroy();
        }
        String report = String.join("\n", lines) + "\n";
        System.out.print(report);
        Files.createDirectories(results);
        Files.writeString(results.resolve(LocalDate.now() + "-bridges.md"), report);
    }

    private static Mqtt5AsyncClient mqtt(String id, int port) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port).buildAsync();
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (ServerSocket next = new ServerSocket(port + 1, 50, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IOException("no free pair of ports");
    }

    private static void awaitPort(int port) throws InterruptedException, IOException {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("mosquitto did not start");
    }

    private static byte[] payload(int i, String dev, long sentNanos) {
        return ("{\"id\":" + i + ",\"dev\":\"" + dev + "\",\"t\":" + sentNanos + ",\"pad\":\"" + "x".repeat(120) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void publishAll(Mqtt5AsyncClient publisher, String topicPrefix, int n) {
        List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String dev = "d" + (i % 100);
            acks.add(publisher.publishWith().topic(topicPrefix + dev).qos(MqttQos.AT_LEAST_ONCE).payload(payload(i, dev, 0)).send());
            if (acks.size() >= 1000) {
                acks.forEach(CompletableFuture::join);
                acks.clear();
            }
        }
        acks.forEach(CompletableFuture::join);
    }

    private static double mqttBaseline(Mqtt5AsyncClient publisher, int port, String topicPrefix, int n) throws Exception {
        Mqtt5AsyncClient sub = mqtt("bench-base-" + System.nanoTime(), port);
        sub.connect().get(10, TimeUnit.SECONDS);
        CountDownLatch done = new CountDownLatch(n);
        sub.subscribeWith().topicFilter(topicPrefix + "+").qos(MqttQos.AT_LEAST_ONCE).callback(p -> done.countDown()).send().get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        publishAll(publisher, topicPrefix, n);
        done.await(10, TimeUnit.MINUTES);
        double perSecond = n / ((System.nanoTime() - start) / 1e9);
        sub.disconnect();
        return perSecond;
    }

    private static void publishRabbit(Connection rabbit, String queue, int n) {
        try (Channel c = rabbit.createChannel()) {
            c.queueDeclare(queue, true, false, false, null);
            c.confirmSelect();
            for (int i = 0; i < n; i++) {
                c.basicPublish("", queue, null, payload(i, "d" + (i % 100), 0));
                if (i % 1000 == 999) {
                    c.waitForConfirmsOrDie(60_000);
                }
            }
            c.waitForConfirmsOrDie(60_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double rabbitBaseline(Connection rabbit, String queue, int n) throws Exception {
        try (Channel c = rabbit.createChannel()) {
            c.queueDeclare(queue, true, false, false, null);
            c.basicQos(500);
            CountDownLatch done = new CountDownLatch(n);
            c.basicConsume(queue, false, (tag, d) -> {
                c.basicAck(d.getEnvelope().getDeliveryTag(), false);
                done.countDown();
            }, tag -> { });
            long start = System.nanoTime();
            publishRabbit(rabbit, queue, n);
            done.await(10, TimeUnit.MINUTES);
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Messages/s from the start of {@code publish} to the n-th record of {@code topic}. */
    private static double rate(int n, Runnable publish, LocalKafka kafka, String topic) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "bench-" + System.nanoTime(),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            consumer.poll(Duration.ofMillis(500));
            long start = System.nanoTime();
            Thread publisher = new Thread(publish);
            publisher.start();
            int seen = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < n && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                seen += records.count();
            }
            double perSecond = n / ((System.nanoTime() - start) / 1e9);
            publisher.join();
            if (seen < n) {
                throw new IllegalStateException(topic + ": only " + seen + " of " + n + " records arrived");
            }
            return perSecond;
        }
    }

    /** Count, p50, p99, max in ms. */
    private static long[] latency(Mqtt5AsyncClient publisher, int port, String run, int rate, int seconds) throws Exception {
        Mqtt5AsyncClient sub = mqtt("bench-lat-" + run, port);
        sub.connect().get(10, TimeUnit.SECONDS);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong warmUpEnd = new AtomicLong(Long.MAX_VALUE);
        sub.subscribeWith().topicFilter("b" + run + "/lat/out/+").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
            String body = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
            int at = body.indexOf("\"t\":") + 4;
            long sent = Long.parseLong(body.substring(at, body.indexOf(',', at)));
            if (sent >= warmUpEnd.get()) {
                latencies.add(System.nanoTime() - sent);
            }
        }).send().get(10, TimeUnit.SECONDS);
        int warmUp = 5;
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        AtomicInteger sent = new AtomicInteger();
        long end = next + TimeUnit.SECONDS.toNanos(seconds + warmUp);
        warmUpEnd.set(next + TimeUnit.SECONDS.toNanos(warmUp));
        int counted = 0;
        for (int i = 0; System.nanoTime() < end; i++) {
            LockSupport.parkNanos(next - System.nanoTime());
            long now = System.nanoTime();
            String dev = "d" + (i % 20);
            publisher.publishWith().topic("b" + run + "/lat/in/" + dev).qos(MqttQos.AT_LEAST_ONCE).payload(payload(i, dev, now)).send();
            if (now >= warmUpEnd.get()) {
                counted++;
            }
            sent.incrementAndGet();
            next += interval;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (latencies.size() < counted && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        sub.disconnect();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            throw new IllegalStateException("no message came back out");
        }
        return new long[] {sorted.size(), ms(sorted, 0.50), ms(sorted, 0.99), sorted.get(sorted.size() - 1) / 1_000_000};
    }

    private static long ms(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size()))) / 1_000_000;
    }
}
