package app.dragnshare.benchmarks.jmh;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import app.dragnshare.client.crypto.ChunkCipher;
import app.dragnshare.client.crypto.TamperingException;

/**
 * The crypto of one chunk with the clients' own {@link ChunkCipher} (AES-256-GCM, nonce from the
 * index, AAD binding transfer, index and the last flag), into preallocated buffers as the
 * jdk-client's Sender and Receiver use it. Score: chunks per second, in a JVM whose JIT already
 * compiled AES-GCM with its CPU intrinsic ({@link ColdChunkCipherBenchmark} shows the JVM before that).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChunkCipherBenchmark {
    private static final String TRANSFER_ID = "dHJhbnNmZXItdGVzdC0wMQ";

    @Param({"65536", "262144", "1048576"})
    public int chunkSize;

    private ChunkCipher sealer;
    private ChunkCipher opener;
    private byte[] plain;
    private byte[] sealed;
    private byte[] out;
    private byte[] opened;
    /** GCM refuses to encrypt twice under one key and nonce, so every seal takes the next index, as a transfer does. */
    private long nextIndex;

    @Setup(Level.Trial)
    public void keys() {
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        sealer = new ChunkCipher(key, TRANSFER_ID);
        opener = new ChunkCipher(key, TRANSFER_ID);
        plain = new byte[chunkSize];
        ThreadLocalRandom.current().nextBytes(plain);
        sealed = new ChunkCipher(key, TRANSFER_ID).seal(0, false, plain);
        out = new byte[chunkSize + ChunkCipher.TAG_LENGTH];
        opened = new byte[chunkSize];
        prime();
    }

    /**
     * The JIT switches AES-GCM to its intrinsic only after thousands of calls: with 1 MiB chunks a
     * fresh JVM is still on the slow path after 10 s, so warm-up iterations alone would measure the
     * JIT, not the cipher. Thousands of small seals and opens first get it compiled.
     */
    static void prime() {
        ChunkCipher cipher = new ChunkCipher(new byte[32], TRANSFER_ID);
        byte[] plain = new byte[4096];
        byte[] sealed = new byte[plain.length + ChunkCipher.TAG_LENGTH];
        try {
            for (int i = 0; i < 20_000; i++) {
                cipher.seal(i, false, plain, 0, plain.length, sealed, 0);
                cipher.open(i, false, sealed, 0, sealed.length, plain, 0);
            }
        } catch (TamperingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public int seal() {
        long index = nextIndex;
        nextIndex = (nextIndex + 1) & 0xFFFF_FFFFL;
        return sealer.seal(index, false, plain, 0, plain.length, out, 0);
    }

    @Benchmark
    public int open() throws TamperingException {
        return opener.open(0, false, sealed, 0, sealed.length, opened, 0);
    }
}
