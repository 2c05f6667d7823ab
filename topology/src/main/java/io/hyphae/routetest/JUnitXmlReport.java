package io.hyphae.routetest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as a JUnit XML report, the format CI systems (GitLab, Jenkins, GitHub actions) show: one testsuite per suite. */
public final class JUnitXmlReport {

    private JUnitXmlReport() {
    }

    public static String render(List<RouteTestRunner.TestResult> results) {
        Map<String, List<RouteTestRunner.TestResult>> bySuite = new LinkedHashMap<>();
        results.forEach(r -> bySuite.computeIfAbsent(r.suite(), s -> new ArrayList<>()).add(r));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        long failures = results.stream().filter(r -> !r.passed()).count();
        xml.append("<testsuites name=\"hyphae test\" tests=\"").append(results.size()).append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" time=\"").append(seconds(total(results))).append("\">\n");
        bySuite.forEach((suite, list) -> {
            xml.append("  <testsuite name=\"").append(escape(suite)).append("\" tests=\"").append(list.size())
                    .append("\" failures=\"").append(list.stream().filter(r -> !r.passed()).count())
                    .append("\" errors=\"0\" skipped=\"0\" time=\"").append(seconds(total(list))).append("\">\n");
            for (RouteTestRunner.TestResult r : list) {
                xml.append("    <testcase classname=\"").append(escape(suite)).append("\" name=\"").append(escape(r.test()))
                        .append("\" time=\"").append(seconds(r.time())).append('"');
                if (r.passed()) {
                    xml.append("/>\n");
                } else {
                    String details = String.join("\n", r.failures());
                    xml.append(">\n      <failure message=\"").append(escape(r.failures().get(0).lines().limit(2).map(String::trim).reduce((a, b) -> a + " " + b).orElse("failed")))
                            .append("\" type=\"expectation\">").append(escape(details)).append("</failure>\n    </testcase>\n");
                }
            }
            xml.append("  </testsuite>\n");
        });
        return xml.append("</testsuites>\n").toString();
    }

    public static void write(Path file, List<RouteTestRunner.TestResult> results) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(results), StandardCharsets.UTF_8);
    }

    private static Duration total(List<RouteTestRunner.TestResult> results) {
        return results.stream().map(RouteTestRunner.TestResult::time).reduce(Duration.ZERO, Duration::plus);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        sb.append("&#x").append(Integer.toHexString(c)).append(';');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
