package app.dragnshare.client.json;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;

import app.dragnshare.client.Fuzz;

import org.junit.jupiter.api.Test;

/** The client's JSON reader is strict and survives anything the network sends. */
class JsonTest {

    @Test
    void writtenValuesReadBackEqual() throws JsonException {
        for (int attempt = 0; attempt < 500; attempt++) {
            Object value = attempt < Fuzz.EDGE_JSON.size() ? Fuzz.EDGE_JSON.get(attempt)
                    : Fuzz.jsonValue(Fuzz.random("writtenValuesReadBackEqual", attempt));
            assertEquals(value, Json.parse(Json.write(value)), Fuzz.about(attempt, value));
        }
    }

    @Test
    void arbitraryTextIsEitherJsonOrAJsonException() {
        for (int attempt = 0; attempt < 2000; attempt++) {
            String text = attempt < Fuzz.EDGE_TEXT.size() ? Fuzz.EDGE_TEXT.get(attempt)
                    : Fuzz.text(Fuzz.random("arbitraryTextIsEitherJsonOrAJsonException", attempt), 64);
            assertDoesNotThrow(() -> parseOrJsonException(text), Fuzz.about(attempt, text));
        }
    }

    @Test
    void mangledJsonIsEitherJsonOrAJsonException() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Random random = Fuzz.random("mangledJsonIsEitherJsonOrAJsonException", attempt);
            Object value = attempt < Fuzz.EDGE_JSON.size() ? Fuzz.EDGE_JSON.get(attempt) : Fuzz.jsonValue(random);
            int cut = Fuzz.integer(random);
            char noise = Fuzz.character(random);
            String text = Json.write(value);
            int at = Math.floorMod(cut, text.length() + 1);
            for (String candidate : List.of(text.substring(0, at), text.substring(0, at) + noise + text.substring(at))) {
                assertDoesNotThrow(() -> parseOrJsonException(candidate),
                        Fuzz.about(attempt, candidate, value, cut, noise));
            }
        }
    }

    /** Parses, allowing only the one failure a caller is ready for. */
    private static void parseOrJsonException(String text) {
        try {
            Json.parse(text);
        } catch (JsonException expected) {
            // the only failure allowed
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
}
