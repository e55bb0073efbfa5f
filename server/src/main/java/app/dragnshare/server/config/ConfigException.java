package app.dragnshare.server.config;

/** A setting that cannot be used; the message says what to change. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
