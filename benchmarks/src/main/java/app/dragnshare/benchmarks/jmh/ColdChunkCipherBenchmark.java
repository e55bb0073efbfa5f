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
 * What a fresh client JVM pays for its chunk crypto, as every {@code java -jar jdk-client.jar}
 * run is one: the time to seal and open the first {@value #MIB} MiB of a transfer with
 * {@link ChunkCipher}, one shot per fresh fork, no warm-up. With {@code primed}, the shot first
 * runs 3,000 seals and opens of 4 KiB (included in the time), which gets the JIT to compile
 * AES-GCM with its intrinsic before the real chunks come.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class ColdChunkCipherBenchmark {
    public static final int MIB = 64;
    private static final String TRANSFER_ID = "dHJhbnNmZXItdGVzdC0wMQ";

    @Param({"65536", "262144", "1048576"})
    public int chunkSize;

    @Param({"false", "true"})
    public boolean primed;

    private byte[] key;
    private byte[] plain;
    private byte[] sealed;
    private byte[] opened;

    @Setup(Level.Trial)
    public void buffers() {
        key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        plain = new byte[chunkSize];
        ThreadLocalRandom.current().nextBytes(plain);
        sealed = new byte[chunkSize + ChunkCipher.TAG_LENGTH];
        opened = new byte[chunkSize];
    }

    @Benchmark
    public long sealAndOpenFirstChunks() throws TamperingException {
        if (primed) {
            prime();
        }
        ChunkCipher sealer = new ChunkCipher(key, TRANSFER_ID);
        ChunkCipher opener = new ChunkCipher(key, TRANSFER_ID);
        long chunks = ((long) MIB << 20) / chunkSize;
        long checksum = 0;
        for (long i = 0; i < chunks; i++) {
            int n = sealer.seal(i, false, plain, 0, plain.length, sealed, 0);
            checksum += opener.open(i, false, sealed, 0, n, opened, 0);
        }
        return checksum;
    }

    private static void prime() throws TamperingException {
        ChunkCipher cipher = new ChunkCipher(new byte[32], TRANSFER_ID);
        byte[] small = new byte[4096];
        byte[] out = new byte[small.length + ChunkCipher.TAG_LENGTH];
        for (int i = 0; i < 3_000; i++) {
            cipher.seal(i, false, small, 0, small.length, out, 0);
            cipher.open(i, false, out, 0, out.length, small, 0);
        }
    }
}
