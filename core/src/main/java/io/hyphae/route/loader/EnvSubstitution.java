package io.hyphae.route.loader;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:default}} in scalar values with environment variables,
 * so secrets and addresses stay out of the route file. {@code $${} writes a literal {@code ${}.
 */
public final class EnvSubstitution {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([^}:]*)(?::([^}]*))?}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private final Function<String, String> environment;

    public EnvSubstitution(Function<String, String> environment) {
        this.environment = environment;
    }

    /** The substituted text, or an error message naming the first reference that cannot be resolved. */
    public Result apply(String text) {
        if (text.indexOf("${") < 0) {
            return new Result(text, Optional.empty());
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (m.group().equals("$${")) {
                m.appendReplacement(out, Matcher.quoteReplacement("${"));
                continue;
            }
            String name = m.group(1);
            if (!NAME.matcher(name).matches()) {
                return new Result(text, Optional.of("'${" + name + "}' is not a valid environment reference; expected ${NAME} or ${NAME:default}"));
            }
            String value = environment.apply(name);
            if (value == null) {
                if (m.group(2) == null) {
                    return new Result(text, Optional.of("environment variable " + name + " is not set and has no default; set it or write ${" + name + ":default}"));
                }
                value = m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return new Result(out.toString(), Optional.empty());
    }

    public record Result(String value, Optional<String> error) {
    }
}
