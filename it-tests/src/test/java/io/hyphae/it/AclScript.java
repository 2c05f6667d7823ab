package io.hyphae.it;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code kafka-acls.sh --add} lines {@code hyphae acls} prints, read as kafka-acls.sh reads them: one binding per
 * operation, so that they can be applied through the Admin API (and left out one at a time).
 */
final class AclScript {

    private AclScript() {
    }

    /** Every binding of every kafka-acls.sh line of {@code output}; comments and blank lines are skipped. */
    static List<AclBinding> parse(String output) {
        List<AclBinding> out = new ArrayList<>();
        for (String line : output.lines().map(String::trim).toList()) {
            if (line.startsWith("kafka-acls.sh ")) {
                out.addAll(parseLine(line));
            }
        }
        return out;
    }

    static List<AclBinding> parseLine(String line) {
        String[] words = line.split("\\s+");
        String principal = null;
        List<AclOperation> operations = new ArrayList<>();
        ResourceType type = null;
        String name = null;
        PatternType pattern = PatternType.LITERAL;
        boolean add = false;
        for (int i = 1; i < words.length; i++) {
            switch (words[i]) {
                case "--add" -> add = true;
                case "--bootstrap-server" -> i++;
                case "--allow-principal" -> principal = words[++i];
                case "--operation" -> operations.add(AclOperation.fromString(words[++i]));
                case "--topic" -> {
                    type = ResourceType.TOPIC;
                    name = words[++i];
                }
                case "--group" -> {
                    type = ResourceType.GROUP;
                    name = words[++i];
                }
                case "--transactional-id" -> {
                    type = ResourceType.TRANSACTIONAL_ID;
                    name = words[++i];
                }
                case "--cluster" -> {
                    type = ResourceType.CLUSTER;
                    name = "kafka-cluster";
                }
                case "--resource-pattern-type" -> pattern = PatternType.fromString(words[++i].toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unexpected '" + words[i] + "' in: " + line);
            }
        }
        if (!add || principal == null || type == null || operations.isEmpty() || operations.contains(AclOperation.UNKNOWN)) {
            throw new IllegalArgumentException("not a complete kafka-acls.sh --add line: " + line);
        }
        List<AclBinding> out = new ArrayList<>();
        for (AclOperation op : operations) {
            out.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
        return out;
    }

    /** As the failure messages name it: e.g. {@code Write on topic 'x'}. */
    static String describe(AclBinding b) {
        String op = b.entry().operation().name();
        String opName = op.charAt(0) + op.substring(1).toLowerCase(Locale.ROOT).replace("_w", "W");
        String type = switch (b.pattern().resourceType()) {
            case TRANSACTIONAL_ID -> "transactional id";
            default -> b.pattern().resourceType().name().toLowerCase(Locale.ROOT);
        };
        return opName + " on " + type + (b.pattern().patternType() == PatternType.PREFIXED ? "s prefixed '" : " '") + b.pattern().name() + "'";
    }
}
