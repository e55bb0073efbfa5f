package app.dragnshare.client.transfer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.SharerConnection;
import app.dragnshare.client.api.UnreachableException;
import app.dragnshare.client.json.JsonFields;

/**
 * The receiver's member socket (PROTOCOL.md §6), opened for paced downloads (§7): it carries an
 * {@code ack} message per verified chunk, so that the server writes at most a window of chunks
 * beyond them and a resume fetches about one chunk again, not the megabytes that sat in socket
 * buffers. A message is far cheaper than a request: acknowledging by HTTP halved the throughput
 * (benchmarks/README.md, "Issue 12's re-send"). Sends never wait: while one is on its way, the
 * newest count of each transfer waits and follows it. What the server sends on it is ignored.
 */
final class AckSocket implements AutoCloseable {
    private final SharerConnection connection;
    /** Counts not yet sent, by transfer: several downloads of one run share the socket. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private volatile boolean broken;
    private boolean sending;

    private AckSocket(SharerConnection connection) {
        this.connection = connection;
    }

    /** Opens the socket for {@code me}; it authenticates as any member's socket does. */
    static AckSocket open(ServerApi api, Membership me) throws ApiException, UnreachableException {
        AckSocket[] self = new AckSocket[1];
        SharerConnection connection = SharerConnection.open(api, me.token(), new SharerConnection.Handler() {
            @Override
            public void onMessage(JsonFields message) {
                // session events and the like: a receiver reads the session by request
            }

            @Override
            public void onClosed(int code, String reason) {
                AckSocket socket = self[0];
                if (socket != null) {
                    socket.broken = true;
                }
            }
        });
        self[0] = new AckSocket(connection);
        return self[0];
    }

    /** Whether the socket closed: its downloads go on unpaced (the server stops waiting), the next opens a new one. */
    boolean broken() {
        return broken;
    }

    /** Acknowledges chunks {@code 0 … verified-1} of {@code transferId}. */
    synchronized void ack(String transferId, long verified) {
        if (broken) {
            return;
        }
        pending.merge(transferId, verified, Math::max);
        if (!sending) {
            sendNext();
        }
    }

    private synchronized void sendNext() {
        Iterator<Map.Entry<String, Long>> next = pending.entrySet().iterator();
        if (broken || !next.hasNext()) {
            sending = false;
            return;
        }
        Map.Entry<String, Long> ack = next.next();
        next.remove();
        // the id is base64url and the count a number: nothing in them needs escaping
        String text = "{\"type\":\"ack\",\"transferId\":\"" + ack.getKey() + "\",\"verified\":" + ack.getValue() + "}";
        sending = true;
        try {
            connection.sendTextAsync(text).whenComplete((socket, failure) -> {
                if (failure != null) {
                    broken = true;
                }
                sendNext();
            });
        } catch (RuntimeException e) {
            broken = true;
            sending = false;
        }
    }

    @Override
    public void close() {
        broken = true;
        connection.close();
    }
}
