package io.hyphae.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The results as a table with the ratios, a Markdown file and a PNG chart. */
final class Report {

    private static final Color[] COLORS = {new Color(0x2E7D32), new Color(0x1565C0), new Color(0x9E9E9E), new Color(0xEF6C00)};

    private final List<Measurement> results;
    private final BenchmarkRunner.Options options;
    private final Map<String, Measurement> byKey;

    Report(List<Measurement> results, BenchmarkRunner.Options options) {
        this.results = results;
        this.options = options;
        this.byKey = BenchmarkRunner.index(results);
    }

    private List<String> configs() {
        Set<String> keys = new LinkedHashSet<>();
        results.forEach(m -> keys.add(m.key()));
        return new ArrayList<>(keys);
    }

    private List<String> systems() {
        Set<String> s = new LinkedHashSet<>();
        results.forEach(m -> s.add(m.system()));
        return new ArrayList<>(s);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append("| system | format | guarantee | events/s | CPU s per M events | peak RSS MB | p50 ms | p99 ms | p99.9 ms |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement m : results) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %,.0f | %.1f | %d | %s | %s | %s |%n", m.system(), m.format(), m.guarantee(),
                    m.eventsPerSecond(), m.cpuSecondsPerMillion(), m.peakRssMb(), ms(m.p50Ms()), ms(m.p99Ms()), ms(m.p999Ms())));
        }
        out.append("\n| format/guarantee | (a)/(b) Hyphae / hand-written Streams | (a)/(c) Hyphae / raw client ceiling | (a)/(d) Hyphae / Apache Camel |\n"
                + "|---|---:|---:|---:|\n");
        for (String config : configs()) {
            out.append("| ").append(config).append(" | ").append(ratio("hyphae", "streams", config)).append(" | ")
                    .append(ratio("hyphae", "raw", config)).append(" | ").append(ratio("hyphae", "camel", config)).append(" |\n");
        }
        return out.toString();
    }

    private String ratio(String a, String b, String config) {
        Measurement x = byKey.get(a + "|" + config);
        Measurement y = byKey.get(b + "|" + config);
        return x == null || y == null ? "-" : String.format(Locale.ROOT, "%.2f", x.eventsPerSecond() / y.eventsPerSecond());
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    Path write() throws IOException {
        Files.createDirectories(options.results());
        String name = BenchmarkRunner.today() + (options.events() < 1_000_000 ? "-" + options.events() + "-events" : "");
        Path md = options.results().resolve(name + ".md");
        Path png = options.results().resolve(name + ".png");
        chart(png);
        String text = "# Benchmark " + BenchmarkRunner.today() + "\n\n"
                + String.format(Locale.ROOT, "%,d address-changed events, a table of %,d postal codes, one local broker (Kafka 4.3.1, 3 partitions), "
                + "each system in its own JVM (" + String.join(" ", SystemLauncher.SYSTEM_JVM_OPTIONS) + "), one after another on the same data. Latency: %,d events/s offered for %d s after %d s of warm-up.%n%n",
                options.events(), options.tableSize(), options.rate(), options.latencySeconds(), options.latencyWarmUpSeconds())
                + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + ".\n\n"
                + (options.systems().contains("camel") && options.guarantees().stream().anyMatch(g -> g.startsWith("exactly"))
                        ? "Apache Camel (d) is measured in at-least-once only: its route commits the consumer offsets outside any Kafka transaction.\n\n" : "")
                + table() + "\n![throughput and latency](" + png.getFileName() + ")\n";
        Files.writeString(md, text);
        return md;
    }

    private void chart(Path png) throws IOException {
        List<String> configs = configs();
        List<String> systems = systems();
        int width = 1200;
        int height = 640;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        panel(g, 40, 60, 540, 480, "Throughput (events/s, higher is better)", configs, systems, Measurement::eventsPerSecond, "%,.0f");
        panel(g, 640, 60, 540, 480, "p99 end-to-end latency (ms, lower is better)", configs, systems, Measurement::p99Ms, "%.0f");
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        g.drawString("Hyphae vs hand-written Kafka Streams vs raw client loop vs Apache Camel — " + BenchmarkRunner.today(), 40, 32);
        int x = 40;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.fillRect(x, height - 40, 16, 16);
            g.setColor(Color.BLACK);
            String label = switch (systems.get(s)) {
                case "hyphae" -> "(a) Hyphae";
                case "streams" -> "(b) hand-written Streams";
                case "raw" -> "(c) raw client loop";
                case "camel" -> "(d) Apache Camel";
                default -> systems.get(s);
            };
            g.drawString(label, x + 22, height - 27);
            x += 260;
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private void panel(Graphics2D g, int left, int top, int w, int h, String title, List<String> configs, List<String> systems,
                       java.util.function.ToDoubleFunction<Measurement> value, String format) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, left, top);
        double max = results.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).max().orElse(1);
        int chartTop = top + 20;
        int chartHeight = h - 70;
        int baseline = chartTop + chartHeight;
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(left, baseline, left + w, baseline);
        int groupWidth = w / Math.max(1, configs.size());
        int barWidth = Math.max(8, (groupWidth - 20) / Math.max(1, systems.size()));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int c = 0; c < configs.size(); c++) {
            int gx = left + c * groupWidth + 10;
            for (int s = 0; s < systems.size(); s++) {
                Measurement m = byKey.get(systems.get(s) + "|" + configs.get(c));
                if (m == null || Double.isNaN(value.applyAsDouble(m))) {
                    continue;
                }
                double v = value.applyAsDouble(m);
                int bh = (int) (chartHeight * v / max);
                int bx = gx + s * barWidth;
                g.setColor(COLORS[s % COLORS.length]);
                g.fillRect(bx, baseline - bh, barWidth - 4, bh);
                g.setColor(Color.DARK_GRAY);
                String text = String.format(Locale.ROOT, format, v);
                g.drawString(text, bx, baseline - bh - 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(configs.get(c).replace("exactly_once_v2", "EOS").replace("at_least_once", "ALOS"), gx, baseline + 18);
        }
    }
}
