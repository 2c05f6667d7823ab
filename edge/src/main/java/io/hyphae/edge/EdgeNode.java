package io.hyphae.edge;

import io.hyphae.edge.file.EdgeFile;
import io.hyphae.edge.file.MirrorDefinition;
import io.hyphae.edge.file.PublishDefinition;
import io.hyphae.format.Formats;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * An edge node: one {@link ReaderLoop} thread per mirror and per dead-letter topic, and one {@link OutboxPublisher}
 * thread, each on its own SQLite connection (SQLite lets one writer at a time; the others wait their turn).
 */
public final class EdgeNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EdgeNode.class);

    private final EdgeFile file;
    private final String bootstrap;
    private final List<ReaderLoop> readers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private OutboxPublisher publisher;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public EdgeNode(EdgeFile file, String bootstrap) {
        this.file = file;
        this.bootstrap = bootstrap;
    }

    /** Prepares the database (tables, triggers) and starts the threads. */
    public void start() throws SQLException {
        EdgeDatabase database = new EdgeDatabase(file.database(), file.rejectedTable());
        Formats formats = new Formats(file.registry());
        prepare(database);
        for (MirrorDefinition m : file.mirrors()) {
            Connection connection = database.open();
            MirrorTable table = new MirrorTable(m, formats.of(m.format(), Optional.empty()), database, connection);
            readers.add(new ReaderLoop(m.table(), m.topic(), connection, table, new Rejections(connection, file.rejectedTable()),
                    consumerSettings(), () -> { }));
        }
        Map<String, String> deadLetterTables = new LinkedHashMap<>();
        file.publishes().forEach(p -> p.deadLetters().ifPresent(t -> deadLetterTables.putIfAbsent(t, p.table())));
        for (Map.Entry<String, String> dlq : deadLetterTables.entrySet()) {
            Connection connection = database.open();
            Rejections rejections = new Rejections(connection, file.rejectedTable());
            readers.add(new ReaderLoop("hyphae_dead_letters", dlq.getKey(), connection,
                    new DeadLetterSink(file.node(), dlq.getValue(), rejections), rejections, consumerSettings(), () -> { }));
        }
        if (!file.publishes().isEmpty()) {
            Connection connection = database.open();
            publisher = new OutboxPublisher(file.node(), connection, file.publishes(), formats, producerSettings(),
                    new Rejections(connection, file.rejectedTable()));
            threads.add(new Thread(publisher, "hyphae-edge-outbox"));
        }
        for (int i = 0; i < readers.size(); i++) {
            threads.add(new Thread(readers.get(i), "hyphae-edge-reader-" + i));
        }
        threads.forEach(Thread::start);
        log.info("edge node {}: database {}, mirroring {} table(s), publishing {} table(s), broker {}", file.node(), file.database(),
                file.mirrors().size(), file.publishes().size(), bootstrap);
    }

    /** Hyphae's tables and the triggers; tried again a few times when the application holds the database meanwhile. */
    private void prepare(EdgeDatabase database) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection setup = database.open()) {
                database.prepare(setup);
                for (PublishDefinition p : file.publishes()) {
                    OutboxTriggers.install(setup, database, p);
                }
                return;
            } catch (SQLException e) {
                if (attempt == 5) {
                    throw e;
                }
                log.warn("preparing {} failed ({}); trying again", file.database(), e.getMessage());
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Blocks until {@link #close()}. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() throws InterruptedException {
        readers.forEach(ReaderLoop::stop);
        if (publisher != null) {
            publisher.stop();
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
        stopped.countDown();
    }

    private Properties common() {
        Properties p = new Properties();
        p.putAll(file.kafkaProperties());
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", "hyphae-edge-" + file.node());
        return p;
    }

    private Properties consumerSettings() {
        Properties p = common();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // stage topics are written in transactions under exactly-once: apply committed records only
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // one SQLite transaction per poll: up to 5 000 records share a commit and the offset rows
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // a small heap: bounded fetch buffers
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(4 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(1024 * 1024));
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    private Properties producerSettings() {
        Properties p = common();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        // offline is normal at the edge: retry until the broker is back, never give up on a row
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
        p.put(ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(8 * 1024 * 1024));
        return p;
    }
}
