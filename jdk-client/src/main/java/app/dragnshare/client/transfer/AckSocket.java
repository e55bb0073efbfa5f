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
    /** Counts not yet sent, by transfer: several downloads of one run share the socket. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    /** Null while it connects. */
    private SharerConnection connection;
    private volatile boolean broken;
    private volatile boolean neverOpened;
    private boolean sending;
    private boolean closed;

    private AckSocket() {
    }

    /**
     * Starts opening the socket for {@code me} on a thread of its own (it authenticates as any
     * member's socket does), so the download it is for need not wait for it: acknowledgements
     * made meanwhile wait, and the stream only waits for them after its first two chunks.
     */
    static AckSocket connect(ServerApi api, Membership me) {
        AckSocket socket = new AckSocket();
        Thread.ofVirtual().name("ack-socket").start(() -> socket.open(api, me));
        return socket;
    }

    private void open(ServerApi api, Membership me) {
        SharerConnection opened;
        try {
            opened = SharerConnection.open(api, me.token(), new SharerConnection.Handler() {
                @Override
                public void onMessage(JsonFields message) {
                    // session events and the like: a receiver reads the session by request
                }

                @Override
                public void onClosed(int code, String reason) {
                    broken = true;
                }
            });
        } catch (ApiException | UnreachableException | RuntimeException e) {
            neverOpened = true;
            broken = true;
            return;
        }
        synchronized (this) {
            if (closed) {
                opened.close();
                return;
            }
            connection = opened;
            if (!sending) {
                sendNext();
            }
        }
    }

    /** Whether the socket closed, or never opened: its downloads go on unpaced (the server stops waiting). */
    boolean broken() {
        return broken;
    }

    /** Whether it could not be opened at all (a proxy without WebSockets, say). */
    boolean neverOpened() {
        return neverOpened;
    }

    /** Acknowledges chunks {@code 0 … verified-1} of {@code transferId}. */
    synchronized void ack(String transferId, long verified) {
        if (broken) {
            return;
        }
        pending.merge(transferId, verified, Math::max);
        if (connection != null && !sending) {
            sendNext();
        }
    }

    private synchronized void sendNext() {
        Iterator<Map.Entry<String, Long>> next = pending.entrySet().iterator();
        if (broken || !next.hasNext()) {
            sending = false;
            return;
        }
        if (connection == null) { // closed
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

    /** Says goodbye outside the lock: a send completing meanwhile must not wait behind the close (up to 5 s). */
    @Override
    public void close() {
        SharerConnection open;
        synchronized (this) {
            closed = true;
            broken = true;
            open = connection;
            connection = null;
        }
        if (open != null) {
            open.close();
        }
    }
}
