package app.dragnshare.benchmarks.harness;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import app.dragnshare.client.cli.Arguments;
import app.dragnshare.client.cli.CliException;

/**
 * A harness's command line: {@code --name value} pairs and {@code --flag}s, each checked against
 * the names the harness knows, so a typo fails loudly instead of running with a default.
 */
public final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    /** The CLI's own parser ({@link Arguments}); a harness takes no operands. */
    public static Options parse(String[] args, Set<String> valued, Set<String> flags) {
        Arguments parsed;
        try {
            parsed = Arguments.parse(List.of(args), valued, flags);
        } catch (CliException e) {
            throw new IllegalArgumentException(e.getMessage() + " (known: " + valued + " and flags " + flags + ")");
        }
        if (!parsed.operands().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + parsed.operands().getFirst() + "'");
        }
        return new Options(parsed.options());
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        String value = values.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    /** {@code NAME=VALUE,NAME=VALUE} as a map (empty when absent). */
    public Map<String, String> settings(String name) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        String value = values.get(name);
        if (value != null && !value.isBlank()) {
            for (String pair : value.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--" + name + " wants NAME=VALUE pairs, not '" + pair + "'");
                }
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return settings;
    }

    /** A size such as {@code 1g}, {@code 20m}, {@code 512k} or plain bytes (binary units: 1m = 1 MiB). */
    public long bytes(String name, long fallback) {
        String value = values.get(name);
        return value == null ? fallback : parseBytes(value);
    }

    /** A duration such as {@code 5m}, {@code 30s}, {@code 500ms} or plain seconds. */
    public Duration duration(String name, Duration fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("h")) {
            return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(v));
    }

    public static long parseBytes(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String number = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            return Math.round(Double.parseDouble(number) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + value + "' (use e.g. 1g, 20m, 512k)");
        }
    }
}
