package app.dragnshare.server.http;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON-P provider for building and reading JSON the server made itself. Each
 * {@code jakarta.json.Json.createX} call looks the provider up through the ServiceLoader
 * (jakarta.json-api 2.1: a scan of the jar's service files and a new provider, with new buffers,
 * every time); measured in ManyFiles, that was 16 % of the server's CPU per small file.
 */
public final class JsonBuilders {
    public static final JsonProvider JSON = JsonProvider.provider();

    private JsonBuilders() {
    }
}
