package app.dragnshare.server.sharer;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import app.dragnshare.server.auth.Member;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.relay.Relay;

import redis.clients.jedis.exceptions.JedisException;

/** Reading the fields of a sharer's messages (PROTOCOL.md §6), and a close reason's length limit. */
final class ClientMessages {
    private static final Logger LOG = Logger.getLogger(ClientMessages.class.getName());

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

    /**
     * A receiver's {@code ack} of its paced download (PROTOCOL.md §6.2): to the stream in memory
     * if it runs here, else through Redis, as far as {@code forwarding} admits it. An
     * acknowledgement of a transfer that is not the member's, not paced or already over changes
     * nothing; a Redis failure drops it rather than the socket.
     */
    static void acknowledge(JsonObject ack, Member member, Relay relay, AckForwarding forwarding) throws ProtocolException {
        String transferId = string(ack, "transferId");
        if (!(ack.get("verified") instanceof JsonNumber n) || !n.isIntegral() || n.bigIntegerValue().signum() < 0
                || n.bigIntegerValue().bitLength() > 53) {
            throw new ProtocolException("\"verified\" must be a chunk count: a whole number from 0");
        }
        if (!Ids.isValid(transferId)) {
            return; // no transfer has such an id
        }
        String receiver = member.sessionId() + "/" + member.memberId();
        if (relay.paced().acknowledgeHere(transferId, receiver, n.longValue())
                || !forwarding.admits(transferId, n.longValue(), System.nanoTime())) {
            return;
        }
        try {
            relay.channel(transferId).acknowledge(receiver, n.longValue());
        } catch (JedisException e) {
            // best-effort: the stream reads Redis again within a second, and never waits more than its patience
            LOG.fine(() -> "an acknowledgement of " + transferId + " was dropped: " + e.getMessage());
        }
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
