package app.dragnshare.server.testing;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of what a hostile client sends: broken text, and JSON with the right names but wrong values. */
public final class JsonFuzz {
    private JsonFuzz() {
    }

    /** Any JSON value, rendered as text. */
    public static Arbitrary<String> values() {
        Arbitrary<String> leaves = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(JsonFuzz::quote),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "1e999", "-0", "\"\\u0000\"", "\"\\ud800\"", "\"A\"", "[]", "{}"));
        return Arbitraries.recursive(() -> leaves, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(Arbitraries.strings().ofMaxLength(8), inner)
                        .as((k, v) -> "{" + quote(k) + ":" + v + "}")), 3);
    }

    /** An object with some of {@code names} (and a stray one), each holding any value. */
    public static Arbitrary<String> objectsWith(List<String> names) {
        return Combinators.combine(Arbitraries.subsetOf(names), values().list().ofSize(names.size() + 1), Arbitraries.of(true, false))
                .as((chosen, vals, stray) -> {
                    StringBuilder out = new StringBuilder("{");
                    int i = 0;
                    for (String name : chosen) {
                        out.append(i > 0 ? "," : "").append(quote(name)).append(':').append(vals.get(i++));
                    }
                    if (stray) {
                        out.append(i > 0 ? "," : "").append("\"stray\":").append(vals.get(i));
                    }
                    return out.append('}').toString();
                });
    }

    /** Hostile request bodies: JSON-shaped with the endpoint's names, any JSON, or any text at all. */
    public static Arbitrary<String> bodies(List<String> names) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, objectsWith(names)),
                net.jqwik.api.Tuple.of(2, values()),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(60)));
    }

    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
