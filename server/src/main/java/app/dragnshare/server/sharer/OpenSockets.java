package app.dragnshare.server.sharer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The sharer sockets open on this instance, so a stopping server can tell each of them. */
public final class OpenSockets {
    private final Set<SharerSocket> open = ConcurrentHashMap.newKeySet();

    void add(SharerSocket socket) {
        open.add(socket);
    }

    void remove(SharerSocket socket) {
        open.remove(socket);
    }

    public int count() {
        return open.size();
    }

    /** Transfers the sockets of this instance are serving right now. */
    public int activeTransfers() {
        return open.stream().mapToInt(SharerSocket::activeTransfers).sum();
    }

    /** No socket takes new requests from now on; running transfers go on. */
    public void drainAll() {
        open.forEach(SharerSocket::drain);
    }

    /** Fails every transfer of every socket with "shutting-down" and closes the sockets with 1001. */
    public void closeAll() {
        for (SharerSocket socket : List.copyOf(open)) {
            socket.serverStopping();
        }
    }
}
