package app.dragnshare.client.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

import org.junit.jupiter.api.Test;

/** The client's JSON reader is strict and survives anything the network sends. */
class JsonTest {

    @Property(tries = 500)
    void writtenValuesReadBackEqual(@ForAll("values") Object value) throws JsonException {
        assertEquals(value, Json.parse(Json.write(value)));
    }

    @Property(tries = 2000)
    void arbitraryTextIsEitherJsonOrAJsonException(@ForAll @StringLength(max = 64) String text) {
        try {
            Json.parse(text);
        } catch (JsonException expected) {
            // the only failure allowed
        }
    }

    @Property(tries = 1000)
    void mangledJsonIsEitherJsonOrAJsonException(@ForAll("values") Object value, @ForAll int cut, @ForAll char noise) {
        String text = Json.write(value);
        int at = Math.floorMod(cut, text.length() + 1);
        for (String candidate : List.of(text.substring(0, at), text.substring(0, at) + noise + text.substring(at))) {
            try {
                Json.parse(candidate);
            } catch (JsonException expected) {
                // fine
            }
        }
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "NaN", "'a'", "\"a",
                "{\"a\" 1}", "[1 2]", "tru", "nul", "\"\\x\"", "\"\u0001\"", "{\"a\":1,\"a\":2}", "1 2", "{} x",
                "[".repeat(100) + "]".repeat(100))) {
            assertThrows(JsonException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void readsEscapesAndNumbers() throws JsonException {
        assertEquals("a\"\\/\b\f\n\r\té😀", Json.parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
        assertEquals(-12L, Json.parse("-12"));
        assertEquals(1.5e3, Json.parse("1.5e3"));
        assertEquals(Map.of("a", List.of(true, false)), Json.parse(" { \"a\" : [ true , false ] } "));
    }

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<Object> leaves = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b));
        return Arbitraries.recursive(() -> leaves, this::containers, 3);
    }

    private Arbitrary<Object> containers(Arbitrary<Object> inner) {
        Arbitrary<Object> lists = inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> maps = Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), inner).ofMaxSize(4)
                .map(m -> (Object) new LinkedHashMap<>(m));
        return Arbitraries.oneOf(lists, maps);
    }
}
