package app.dragnshare.client.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One server-sent event: its name ("message" when unnamed), its id (or null) and its data, as
 * {@code length} bytes of {@code array} from {@code offset}. The array is the {@link EventStream}'s
 * own buffer, so the data is valid only until the stream's next event: read it, or copy it with
 * {@link #data()}, before asking for another.
 */
public record ServerEvent(String name, String id, byte[] array, int offset, int length) {
    /** A copy of the data. */
    public byte[] data() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    public String text() {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }
}
