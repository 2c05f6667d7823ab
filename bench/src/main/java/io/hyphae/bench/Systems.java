package io.hyphae.bench;

import io.hyphae.format.Formats;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/** What the systems under test share: their arguments, the payload format, and how they report being ready. */
final class Systems {

    private Systems() {
    }

    /** {@code <bootstrap> <prefix> <input> <table> <json|avro> <registryUrl|-> <guarantee> <readyFile>} */
    record Args(String bootstrap, Workload.Topics topics, Format format, String registryUrl, String guarantee, Path readyFile) {
        static Args parse(String[] a) {
            return new Args(a[0], new Workload.Topics(a[1], a[2], a[3]), Format.valueOf(a[4].toUpperCase(Locale.ROOT)),
                    a[5], a[6], Path.of(a[7]));
        }

        PayloadFormat payloadFormat() {
            RegistrySettings settings = registryUrl.equals("-") ? RegistrySettings.NONE : RegistrySettings.NONE.withUrl(registryUrl);
            return new Formats(settings).of(format, Optional.empty());
        }

        boolean exactlyOnce() {
            return guarantee.startsWith("exactly");
        }

        void ready() throws IOException {
            Files.writeString(readyFile, "RUNNING\n");
        }

        /** Where the stores go: beside the ready file, where the runner looks for them. */
        Path stateDir() {
            return readyFile.resolveSibling("state");
        }
    }

    /**
     * Runs a hand-written Kafka Streams topology until it stops, reporting RUNNING in the ready file. Tuned as its users
     * tune it: a short linger for latency, 128 KiB batches like the raw loop and Camel, no record cache (the stores
     * the hand-written jobs build have none either, the Processor API's default), 1 s commits under at-least-once.
     */
    static void runStreams(Topology topology, Args args) throws InterruptedException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args.topics().prefix());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, args.guarantee());
        props.put(StreamsConfig.STATE_DIR_CONFIG, args.stateDir().toString());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), "131072");
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        if (!args.exactlyOnce()) {
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                try {
                    args.ready();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close));
        streams.start();
        stopped.await();
    }
}
