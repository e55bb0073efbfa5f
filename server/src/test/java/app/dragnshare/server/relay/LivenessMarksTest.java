package app.dragnshare.server.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.http.Ids;
import app.dragnshare.server.testing.TestRedis;

/**
 * An instance's liveness marks must not lapse while it holds them, however busy it is. Found
 * by the concurrency benchmark: 50 transfers on two cores kept the virtual-thread scheduler so
 * busy that a renewer on a virtual thread, one Redis call per mark, left marks 8 s without
 * renewal, and every transfer failed as "sender gone".
 */
class LivenessMarksTest {
    private static final Duration PEER_TIMEOUT = Duration.ofMillis(1500);

    @Test
    void heldMarksAreRenewedWhileEveryVirtualThreadCarrierIsBusyAndLapseOnceReleased() throws Exception {
        Relay relay = new Relay(TestRedis.client(), null, Duration.ofMinutes(1), PEER_TIMEOUT); // no offers here: no wake-ups
        List<TransferChannel> channels = new ArrayList<>();
        try (LivenessMarks marks = new LivenessMarks(TestRedis.client(), PEER_TIMEOUT)) {
            for (int i = 0; i < 200; i++) {
                TransferChannel channel = relay.channel(Ids.random());
                marks.hold(channel, i % 2 == 0 ? TransferChannel.Side.SENDER : TransferChannel.Side.RECEIVER);
                channels.add(channel);
            }
            // Virtual threads are not preempted: these spinners hold every carrier thread (the
            // scheduler has one per core) for three mark lifetimes.
            AtomicBoolean spin = new AtomicBoolean(true);
            List<Thread> spinners = new ArrayList<>();
            int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                    Runtime.getRuntime().availableProcessors());
            for (int i = 0; i < carriers + 1; i++) {
                spinners.add(Thread.ofVirtual().start(() -> {
                    while (spin.get()) {
                        Thread.onSpinWait();
                    }
                }));
            }
            try {
                Thread.sleep(PEER_TIMEOUT.multipliedBy(3));
                for (int i = 0; i < channels.size(); i++) {
                    TransferChannel.Side side = i % 2 == 0 ? TransferChannel.Side.SENDER : TransferChannel.Side.RECEIVER;
                    assertTrue(channels.get(i).isAlive(side), "mark " + i + " lapsed while held");
                }
            } finally {
                spin.set(false);
                for (Thread spinner : spinners) {
                    spinner.join();
                }
            }
            channels.forEach(marks::release);
            Thread.sleep(PEER_TIMEOUT.multipliedBy(2));
            for (int i = 0; i < channels.size(); i++) {
                TransferChannel.Side side = i % 2 == 0 ? TransferChannel.Side.SENDER : TransferChannel.Side.RECEIVER;
                assertFalse(channels.get(i).isAlive(side), "mark " + i + " still renewed after its release");
            }
        }
    }
}
