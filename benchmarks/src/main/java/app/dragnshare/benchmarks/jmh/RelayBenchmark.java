package app.dragnshare.benchmarks.jmh;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.redis.RedisConnection;
import app.dragnshare.server.relay.Relay;
import app.dragnshare.server.relay.TransferChannel;

/**
 * The relay path alone: chunks go through one transfer's Redis lists exactly as the server moves
 * them, with the server's own {@link Relay}/{@link TransferChannel} on a real Redis (the embedded
 * redis-server that the server itself starts, or REDIS_URL): two Redis round trips per chunk in
 * the steady state (one per side), a blocking wait only when a side finds nothing.
 * {@code queueDepth} credits are in flight, as CHUNK_QUEUE_DEPTH sets them (the server grows its
 * window on long links; here it stays fixed). WebSocket, SSE and crypto are left out; the end-to-end harness has them.
 *
 * <p>Score: chunks per second through the relay (multiply by chunkSize for bytes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RelayBenchmark {
    /** Chunks per invocation: enough that the first {@code queueDepth} (pushed without waiting) are a small part. */
    static final int CHUNKS = 64;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Param({"65536", "262144", "1048576"})
    public int chunkSize;

    @Param({"1", "4", "16"})
    public int queueDepth;

    private RedisConnection redis;
    private TransferChannel channel;
    /** A Redis list element as the sharer's server pushes it: index (4 bytes) || ciphertext (chunk + 16-byte tag). */
    private byte[] element;

    @Setup(Level.Trial)
    public void startRedis() {
        String url = System.getenv("REDIS_URL");
        // the server's own code picks the Redis: REDIS_URL when set, else an embedded redis-server
        redis = RedisConnection.open(ServerConfig.from(url == null ? Map.of() : Map.of("REDIS_URL", url)));
        // Chunks and credits only cross while the other side is marked present (the server's rule
        // against filling Redis for a side that left); both sides are here for the whole trial,
        // so their marks outlive it instead of being renewed inside the measured loop.
        channel = new Relay(redis.transfers(), null, Duration.ofMinutes(2), Duration.ofHours(1)) // no offers: no wake-ups
                .channel(Ids.random());
        channel.markAlive(TransferChannel.Side.SENDER);
        channel.markAlive(TransferChannel.Side.RECEIVER);
        element = new byte[4 + chunkSize + 16];
        ThreadLocalRandom.current().nextBytes(element);
    }

    @TearDown(Level.Trial)
    public void stopRedis() {
        channel.closeReceiverSide(false);
        channel.closeSenderSide(true);
        redis.close();
    }

    /**
     * Moves {@link #CHUNKS} chunks: the sharer's side runs on a virtual thread (as on the server),
     * the receiver's side on the benchmark thread, each with the server's own steps: the sharer's
     * side pushes a chunk and takes the waiting credits in one round trip, and waits for a credit
     * only when it has none; the receiver's side hands back the last chunk's credit and takes the
     * next chunk in one round trip, and waits only when none is queued. Credits are granted so
     * that exactly CHUNKS are handed out, so the lists are empty again when the invocation ends.
     */
    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public long relayChunks() throws InterruptedException, ExecutionException {
        FutureTask<Void> sharerSide = new FutureTask<>(this::sharerSide, null);
        Thread.ofVirtual().start(sharerSide);
        long bytes = 0;
        int granted = Math.min(queueDepth, CHUNKS);
        int credits = granted;
        for (int i = 0; i < CHUNKS; i++) {
            TransferChannel.Signal signal = channel.grantAndTake(credits);
            credits = 0;
            if (signal instanceof TransferChannel.Empty) {
                signal = channel.awaitChunk(WAIT);
            }
            if (!(signal instanceof TransferChannel.Data chunk)) {
                throw new IllegalStateException("chunk " + i + " did not arrive within " + WAIT + ": " + signal);
            }
            bytes += chunk.bytes().length;
            if (granted < CHUNKS) {
                credits = 1;
                granted++;
            }
        }
        sharerSide.get(); // rethrows what went wrong on the sharer's side
        if (bytes != (long) CHUNKS * element.length) {
            throw new IllegalStateException("relayed " + bytes + " bytes, expected " + (long) CHUNKS * element.length);
        }
        return bytes;
    }

    private void sharerSide() {
        long credits = 0;
        for (int i = 0; i < CHUNKS; i++) {
            while (credits <= i) {
                if (!(channel.awaitCredit(WAIT) instanceof TransferChannel.Data)) {
                    throw new IllegalStateException("credit " + i + " did not arrive within " + WAIT);
                }
                credits++;
            }
            element[0] = (byte) (i >>> 24);
            element[1] = (byte) (i >>> 16);
            element[2] = (byte) (i >>> 8);
            element[3] = (byte) i;
            if (!(channel.pushAndTakeCredits(element, 64) instanceof TransferChannel.Credits taken)) {
                throw new IllegalStateException("a control message on a benchmark transfer");
            }
            credits += taken.count();
        }
    }
}
