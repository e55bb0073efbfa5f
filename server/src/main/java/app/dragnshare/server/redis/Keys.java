package app.dragnshare.server.redis;

import java.nio.charset.StandardCharsets;

/**
 * Every Redis key the server uses. The part in braces is the Redis Cluster hash tag: all keys of
 * one session share a slot, as do all keys of one transfer, so multi-key commands (BLPOP on two
 * lists, scripts) work on a cluster unchanged.
 */
public final class Keys {
    private Keys() {
    }

    /** Hash: name, joinCode, host, created. */
    public static String session(String sessionId) {
        return "dns:s:{" + sessionId + "}";
    }

    /** Hash: fileId to the file's JSON. */
    public static String files(String sessionId) {
        return session(sessionId) + ":files";
    }

    /** Hash: memberId to the member's JSON. */
    public static String members(String sessionId) {
        return session(sessionId) + ":members";
    }

    /** String: the host ended this session (a short-lived tombstone, so a late visitor hears "ended", not "unknown"). */
    public static String ended(String sessionId) {
        return session(sessionId) + ":ended";
    }

    /** List: download requests and session events for one member's socket. */
    public static String inbox(String sessionId, String memberId) {
        return session(sessionId) + ":inbox:" + memberId;
    }

    /** Pub/sub channel of one server instance's wake-ups ("all": every instance's); the braces give it its own slot. */
    public static String wakeChannel(String instanceId) {
        return "dns:wake:{" + instanceId + "}";
    }

    /** String: the id of the member's current socket connection, while it is connected. */
    public static String online(String sessionId, String memberId) {
        return session(sessionId) + ":online:" + memberId;
    }

    /**
     * Hash: session id to failed join attempts from one address, for a bounded number of sessions.
     * Keyed by address only, so joins on sessions that do not exist cost no key per session.
     */
    public static String joinFailures(String address) {
        return "dns:rate:{" + address + "}:join-failures";
    }

    /** Counter of sessions created from one address. */
    public static String sessionsCreated(String address) {
        return "dns:rate:{" + address + "}:sessions";
    }

    /** The keys of one transfer. */
    public record Transfer(byte[] toReceiver, byte[] chunks, byte[] credits, byte[] toSender,
                           byte[] senderAlive, byte[] receiverAlive, byte[] receiver, byte[] paceWake, byte[] acked) {

        public static Transfer of(String transferId) {
            String base = "dns:t:{" + transferId + "}:";
            return new Transfer(bytes(base + "to-receiver"), bytes(base + "chunks"),
                    bytes(base + "credits"), bytes(base + "to-sender"), bytes(base + "sender-alive"),
                    bytes(base + "receiver-alive"), bytes(base + "receiver"), bytes(base + "pace-wake"),
                    bytes(base + "acked"));
        }

        public byte[][] all() {
            return new byte[][] {toReceiver, chunks, credits, toSender, senderAlive, receiverAlive, receiver, paceWake, acked};
        }
    }

    public static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
