package app.dragnshare.client.json;

/** Input that is not JSON, or not the JSON that was expected. */
public final class JsonException extends Exception {
    public JsonException(String message) {
        super(message);
    }
}
