package app.dragnshare.server.http;

import java.io.InputStream;
import java.io.Reader;
import java.util.Map;

import jakarta.json.JsonConfig;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;

/**
 * Reads JSON from the network as PROTOCOL.md §1 requires: duplicate member names are an error
 * (by default the last one would silently win, so two parsers could read one message two ways).
 * Made once: creating readers through {@code Json} looks the provider up on every call.
 */
public final class StrictJson {
    private static final JsonReaderFactory READERS = JsonProvider.provider()
            .createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    private StrictJson() {
    }

    public static JsonReader reader(InputStream in) {
        return READERS.createReader(in);
    }

    public static JsonReader reader(Reader in) {
        return READERS.createReader(in);
    }
}
