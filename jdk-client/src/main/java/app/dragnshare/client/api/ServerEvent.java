package app.dragnshare.client.api;

import java.nio.charset.StandardCharsets;

/** One server-sent event: its name ("message" when unnamed), its id (or null) and its data bytes. */
public record ServerEvent(String name, String id, byte[] data) {
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
