package app.dragnshare.server.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The paced downloads (PROTOCOL.md §7, {@code "pace": true}) whose stream runs on this instance,
 * and what their receivers acknowledged. A receiver acknowledges each verified chunk with an
 * {@code ack} message on its member socket. When that socket is on the stream's instance (one
 * instance, or a proxy that keeps a client on one) the count goes from socket to stream here, in
 * memory: per chunk, a Redis script and a blocking pop cost 1.2 CPU s per GB more and a fifth of
 * the throughput (benchmarks/README.md, "Issue 12's re-send"). From another instance it crosses
 * Redis ({@link TransferChannel#acknowledge}) and a wake-up ({@link Acks#wakeFromElsewhere}).
 */
public final class PacedDownloads {
    private final Map<String, Acks> streams = new ConcurrentHashMap<>();

    /** A paced stream starts here for {@code receiver} ("sessionId/memberId"), from chunk {@code start}. */
    public Acks open(String transferId, String receiver, long start) {
        Acks acks = new Acks(receiver, start);
        streams.put(transferId, acks);
        return acks;
    }

    /** The stream of {@code acks} ended (a newer stream that reuses the id keeps its own entry). */
    public void close(String transferId, Acks acks) {
        streams.remove(transferId, acks);
    }

    /**
     * Hands {@code receiver}'s acknowledgement to the stream if it runs here; false if it does not,
     * and the acknowledgement must go through Redis. Anyone else's acknowledgement is dropped.
     */
    public boolean acknowledgeHere(String transferId, String receiver, long verified) {
        Acks acks = streams.get(transferId);
        if (acks == null) {
            return false;
        }
        if (acks.receiver.equals(receiver)) {
            acks.offer(verified);
        }
        return true;
    }

    /**
     * {@code receiver}'s socket on this instance closed. It may have died (killed, its connection
     * cut), taking its download with it: its streams here wake to look ({@link Acks#socketClosed}).
     */
    public void receiverLeft(String receiver) {
        for (Acks acks : streams.values()) {
            if (acks.receiver.equals(receiver)) {
                acks.closeSocket();
            }
        }
    }

    /** What one stream's receiver acknowledged: the highest count heard. Its stream's thread waits on it. */
    public static final class Acks {
        private final String receiver;
        private final AtomicLong count;
        private volatile Thread waiter;
        private volatile boolean elsewhere;
        private volatile boolean socketClosed;
        private volatile boolean closeUnseen;

        private Acks(String receiver, long start) {
            this.receiver = receiver;
            this.count = new AtomicLong(start);
        }

        /** Chunks {@code 0 … verified-1} are verified (a lower count than one heard before changes nothing). */
        public void offer(long verified) {
            if (count.accumulateAndGet(verified, Math::max) == verified) {
                LockSupport.unpark(waiter);
            }
        }

        /** An acknowledgement went to Redis: the stream reads it there. */
        public void wakeFromElsewhere() {
            elsewhere = true;
            LockSupport.unpark(waiter);
        }

        private void closeSocket() {
            socketClosed = true;
            closeUnseen = true;
            LockSupport.unpark(waiter);
        }

        /** Whether the receiver's socket on this instance closed: no acknowledgement comes from it any more. */
        public boolean socketClosed() {
            return socketClosed;
        }

        /** Whether the socket closed since the last call (a wake-up the stream has not acted on). */
        public boolean takeSocketClosed() {
            if (!closeUnseen) {
                return false;
            }
            closeUnseen = false;
            return true;
        }

        /** Whether an acknowledgement went to Redis since the last call. */
        public boolean takeElsewhere() {
            if (!elsewhere) {
                return false;
            }
            elsewhere = false;
            return true;
        }

        public long count() {
            return count.get();
        }

        /** Waits until {@code needed} chunks are acknowledged, one went to Redis, the socket closed, or {@code nanos} passed. */
        public void await(long needed, long nanos) {
            long deadline = System.nanoTime() + nanos;
            waiter = Thread.currentThread();
            try {
                long left;
                while (count.get() < needed && !elsewhere && !closeUnseen && (left = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(this, left);
                }
            } finally {
                waiter = null;
            }
        }
    }
}
