package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;

import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;
import app.dragnshare.server.relay.Relay;
import app.dragnshare.server.relay.SameInstanceChunks;
import app.dragnshare.server.relay.TransferChannel;

/**
 * When the receiver's stream and the sharer's socket are on one instance, the chunks' bytes stay
 * in that instance and only their indexes cross Redis; everything else (credits, order, liveness)
 * is the transfer between two instances that {@link ScaleOutTest} covers.
 */
class SameInstanceRelayTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aTransferWithBothEndsOnOneInstanceMovesItsChunksPastRedis() throws Exception {
        Path file = TestFiles.random(dir, "big.bin", 24 * MIB, 41);
        Path out = dir.resolve("out");
        try (DragNShareServer server = TestServer.start()) {
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
                long before = redisInputBytes();
                Cli.Result received = Cli.run(120, "receive", sending.link(), "--out", out.toString());
                long intoRedis = redisInputBytes() - before;

                assertEquals(0, received.exitCode(), received.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("big.bin")), "bytes differ");
                assertEquals(0, sending.awaitExit(30), "send --once exits 0 once the file was downloaded");
                // Through Redis before: the 24 MiB file once and more (each chunk pushed whole).
                // Now: 96 indexes, credits, marks and the other tests' traffic on the shared Redis.
                assertTrue(intoRedis < 4 * MIB, "Redis received " + intoRedis + " bytes for a 24 MiB transfer");
            }
        }
    }

    @Test
    void chunksPastTheBudgetCrossRedisWholeAndBothKindsArriveInOrder() {
        int elementLength = 4 + 1024 + 16;
        SameInstanceChunks sameInstance = new SameInstanceChunks(2L * elementLength); // room for two
        Relay relay = new Relay(TestRedis.client(), null, Duration.ofMinutes(1), Duration.ofMinutes(1), sameInstance);
        String transferId = Ids.random();
        TransferChannel receiverSide = relay.channel(transferId);
        TransferChannel sharerSide = relay.channel(transferId);
        assertTrue(receiverSide.claim("session/receiver"), "a fresh id is claimed");
        sharerSide.markAlive(TransferChannel.Side.SENDER);
        byte[][] elements = new byte[4][];
        Random random = new Random(7);
        for (int i = 0; i < elements.length; i++) {
            elements[i] = new byte[elementLength];
            random.nextBytes(elements[i]);
            elements[i][0] = 0;
            elements[i][1] = 0;
            elements[i][2] = 0;
            elements[i][3] = (byte) i;
            sharerSide.pushAndTakeCredits(elements[i], 0);
        }
        assertEquals(2L * elementLength, sameInstance.keptBytes(), "two chunks kept, two sent through Redis");
        for (int i = 0; i < elements.length; i++) {
            TransferChannel.Signal signal = receiverSide.grantAndTake(0);
            TransferChannel.Data data = assertInstanceOf(TransferChannel.Data.class, signal, "chunk " + i);
            assertArrayEquals(elements[i], data.bytes(), "chunk " + i + " arrives whole and in order");
        }
        assertEquals(0, sameInstance.keptBytes(), "nothing is kept once taken");

        sharerSide.pushAndTakeCredits(withIndex(elements[0], 4), 0);
        assertEquals(elementLength, sameInstance.keptBytes());
        receiverSide.closeReceiverSide(false);
        assertEquals(0, sameInstance.keptBytes(), "the receiver's side leaving drops what was kept for it");
        sharerSide.pushAndTakeCredits(withIndex(elements[0], 5), 0);
        assertEquals(0, sameInstance.keptBytes(), "nothing is kept for a receiver that left");
        sharerSide.closeSenderSide(true);
    }

    @Test
    void aReceiverOnAnotherInstanceGetsWholeChunksThroughRedis() {
        int elementLength = 4 + 1024 + 16;
        Relay receiverInstance = new Relay(TestRedis.client(), null, Duration.ofMinutes(1), Duration.ofMinutes(1),
                new SameInstanceChunks(1 << 20));
        SameInstanceChunks sharersChunks = new SameInstanceChunks(1 << 20);
        Relay sharerInstance = new Relay(TestRedis.client(), null, Duration.ofMinutes(1), Duration.ofMinutes(1), sharersChunks);
        String transferId = Ids.random();
        TransferChannel receiverSide = receiverInstance.channel(transferId);
        TransferChannel sharerSide = sharerInstance.channel(transferId);
        assertTrue(receiverSide.claim("session/receiver"));
        byte[] element = withIndex(new byte[elementLength], 0);
        sharerSide.pushAndTakeCredits(element, 0);
        assertEquals(0, sharersChunks.keptBytes(), "no lane on the sharer's instance: the chunk crosses Redis");
        TransferChannel.Data data = assertInstanceOf(TransferChannel.Data.class, receiverSide.grantAndTake(0));
        assertArrayEquals(element, data.bytes());
        receiverSide.closeReceiverSide(false);
        sharerSide.closeSenderSide(true);
    }

    private static byte[] withIndex(byte[] element, int index) {
        byte[] copy = element.clone();
        copy[0] = (byte) (index >>> 24);
        copy[1] = (byte) (index >>> 16);
        copy[2] = (byte) (index >>> 8);
        copy[3] = (byte) index;
        return copy;
    }

    /** Redis's own count of bytes it read from clients ({@code INFO stats}). */
    private static long redisInputBytes() {
        Object reply = TestRedis.client().sendCommand(Protocol.Command.INFO, "stats");
        Matcher m = Pattern.compile("total_net_input_bytes:(\\d+)").matcher(SafeEncoder.encode((byte[]) reply));
        assertTrue(m.find(), "INFO stats has total_net_input_bytes");
        return Long.parseLong(m.group(1));
    }
}
