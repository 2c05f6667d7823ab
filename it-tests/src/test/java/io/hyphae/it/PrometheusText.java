package io.hyphae.it;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parser of the Prometheus text exposition format (version 0.0.4), strict enough to reject what Prometheus rejects:
 * malformed sample lines, a sample of a family whose TYPE came after it, one family with different label names, and
 * the same series twice.
 */
final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("\\G,?([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped|info|stateset|gaugehistogram)$");

    /** name{labels} → value, for every sample. */
    final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new HashMap<>();

    private PrometheusText() {
    }

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        Map<String, Set<String>> labelNames = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (line.startsWith("# TYPE ")) {
                    if (!t.matches()) {
                        throw new IllegalArgumentException("bad TYPE line: " + line);
                    }
                    if (parsed.types.put(t.group(1), t.group(2)) != null) {
                        throw new IllegalArgumentException("second TYPE line for " + t.group(1));
                    }
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad sample line: " + line);
            }
            String name = m.group(1);
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null && !m.group(2).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(2));
                int end = 0;
                while (l.find()) {
                    if (labels.put(l.group(1), l.group(2)) != null) {
                        throw new IllegalArgumentException("label twice: " + line);
                    }
                    end = l.end();
                }
                if (end != m.group(2).length() && !m.group(2).substring(end).equals(",")) {
                    throw new IllegalArgumentException("bad labels: " + line);
                }
            }
            String family = family(name, parsed.types);
            if (family == null) {
                throw new IllegalArgumentException("sample without a TYPE line before it: " + line);
            }
            Set<String> names = new TreeSet<>(labels.keySet());
            names.remove("le");
            names.remove("quantile");
            Set<String> seen = labelNames.putIfAbsent(family, names);
            if (seen != null && !seen.equals(names)) {
                throw new IllegalArgumentException("family " + family + " has label names " + seen + " and " + names);
            }
            String key = name + labels;
            double value = switch (m.group(3)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(m.group(3));
            };
            if (parsed.samples.put(key, value) != null) {
                throw new IllegalArgumentException("series twice: " + key);
            }
        }
        return parsed;
    }

    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : new String[] {"_total", "_bucket", "_count", "_sum", "_created", "_max"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    /** The value of the one series of {@code name} whose labels include {@code labels}; 0 if there is none. */
    double value(String name, Map<String, String> labels) {
        double found = 0;
        int matches = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(name + "{")) {
                continue;
            }
            boolean all = labels.entrySet().stream().allMatch(l -> key.contains(l.getKey() + "=" + l.getValue() + ",")
                    || key.contains(l.getKey() + "=" + l.getValue() + "}"));
            if (all) {
                found = e.getValue();
                matches++;
            }
        }
        if (matches > 1) {
            throw new IllegalStateException(matches + " series of " + name + " match " + labels);
        }
        return found;
    }

    Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.keySet().forEach(k -> names.add(k.substring(0, k.indexOf('{'))));
        return names;
    }
}
