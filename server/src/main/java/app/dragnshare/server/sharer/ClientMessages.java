package app.dragnshare.server.sharer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/** Reading the fields of a sharer's messages (PROTOCOL.md §6), and a close reason's length limit. */
final class ClientMessages {
    private ClientMessages() {
    }

    /** The protocol version an auth message says the client speaks: 1 when it does not say. */
    static int protocolOf(JsonObject auth) throws ProtocolException {
        if (!auth.containsKey("protocol")) {
            return 1;
        }
        if (!(auth.get("protocol") instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() <= 0) {
            throw new ProtocolException("\"protocol\" must be a whole number, 1 or more");
        }
        return n.bigIntegerValue().min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
    }

    /** Field {@code name}, which must be a string. */
    static String string(JsonObject json, String name) throws ProtocolException {
        if (json.get(name) instanceof JsonString s) {
            return s.getString();
        }
        throw new ProtocolException("\"" + name + "\" must be a string");
    }

    /** Close reasons must fit in 123 bytes of UTF-8. */
    static String shorten(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 120) {
            return reason;
        }
        return new String(bytes, 0, 120, StandardCharsets.UTF_8).replaceAll("\uFFFD$", "");
    }
}
