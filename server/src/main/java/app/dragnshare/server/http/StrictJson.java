package app.dragnshare.server.http;

import java.io.InputStream;
import java.io.Reader;
import java.util.Map;
import java.util.function.Function;

import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * Reads JSON from the network as PROTOCOL.md §1 requires: duplicate member names are an error
 * (by default the last one would silently win, so two parsers could read one message two ways),
 * and so is nesting deeper than {@link #MAX_DEPTH} or a number longer than {@link #MAX_NUMBER_LENGTH}
 * characters. Every refusal is a {@link JsonException}: Parsson reports its own limits with a bare
 * RuntimeException (depth) and an UnsupportedOperationException (number length), which would
 * otherwise pass for server failures. Made once: creating readers through {@code Json} looks the
 * provider up on every call.
 */
public final class StrictJson {
    /** No message of the protocol nests deeper than 3; this leaves room without inviting abuse. */
    public static final int MAX_DEPTH = 32;
    /** A size fits in 19 digits; longer numbers are refused before BigDecimal arithmetic sees them. */
    public static final int MAX_NUMBER_LENGTH = 100;

    /** What a refused input may have done wrong, for error messages. */
    public static final String RULES = "valid JSON, no member named twice, nesting at most " + MAX_DEPTH
            + " levels, numbers at most " + MAX_NUMBER_LENGTH + " characters";

    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of(
            JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE,
            "org.eclipse.parsson.maxDepth", MAX_DEPTH + 1, // Parsson refuses when the depth reaches its limit
            "org.eclipse.parsson.maxBigDecimalLength", MAX_NUMBER_LENGTH));

    private StrictJson() {
    }

    /** Any JSON value; a {@link JsonException} if the input is not JSON or breaks a limit. */
    public static JsonValue readValue(InputStream in) {
        return read(READERS.createReader(in), JsonReader::readValue);
    }

    /** A JSON object; a {@link JsonException} if the input is not one or breaks a limit. */
    public static JsonObject readObject(Reader in) {
        return read(READERS.createReader(in), JsonReader::readObject);
    }

    private static <T> T read(JsonReader reader, Function<JsonReader, T> read) {
        try (reader) {
            return read.apply(reader);
        } catch (JsonException e) {
            throw e;
        } catch (RuntimeException e) {
            // the parser's limits, or an IllegalStateException for a value of the wrong kind (readObject of [1])
            throw new JsonException(e.getMessage(), e);
        }
    }
}
