package app.dragnshare.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The JSON limits PROTOCOL.md §2 states hold exactly at their edges, and every refusal is a JsonException. */
class StrictJsonTest {

    @Test
    void nestingUpToTheLimitIsReadOneLevelMoreIsRefused() {
        assertEquals(32, StrictJson.MAX_DEPTH, "the depth PROTOCOL.md §2 states");
        JsonObject deepest = StrictJson.readObject(new StringReader(nested(StrictJson.MAX_DEPTH)));
        assertEquals(1, deepest.size());
        assertThrows(JsonException.class, () -> StrictJson.readObject(new StringReader(nested(StrictJson.MAX_DEPTH + 1))));
        assertThrows(JsonException.class, () -> StrictJson.readObject(new StringReader(nested(1_100))));
    }

    @Test
    void numbersUpToTheLimitAreReadOneCharacterMoreIsRefused() {
        String longest = "0." + "1".repeat(StrictJson.MAX_NUMBER_LENGTH - 2);
        assertEquals(longest.length(), StrictJson.readObject(new StringReader("{\"n\":" + longest + "}"))
                .getJsonNumber("n").toString().length());
        assertThrows(JsonException.class, () -> StrictJson.readObject(new StringReader("{\"n\":" + longest + "1}")));
        assertThrows(JsonException.class, () -> StrictJson.readValue(bytes("[" + "9".repeat(1_200) + "]")));
    }

    @Test
    void duplicateNamesAndValuesOfTheWrongKindAreRefusedAsJson() {
        assertThrows(JsonException.class, () -> StrictJson.readObject(new StringReader("{\"a\":1,\"a\":2}")));
        assertThrows(JsonException.class, () -> StrictJson.readObject(new StringReader("[1]")));
        assertThrows(JsonException.class, () -> StrictJson.readValue(bytes("{\"a\":")));
    }

    /** An object {@code depth} levels deep: {"a":[[...]]}. */
    private static String nested(int depth) {
        return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    private static ByteArrayInputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
