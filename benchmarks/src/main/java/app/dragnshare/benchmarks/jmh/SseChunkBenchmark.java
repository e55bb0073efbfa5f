package app.dragnshare.benchmarks.jmh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

import app.dragnshare.client.api.EventStream;
import app.dragnshare.client.api.ServerEvent;
import app.dragnshare.client.transfer.ChunkDecoder;
import app.dragnshare.server.download.ChunkEventEncoder;

/**
 * Base64 of one chunk as the SSE path does it, on both ends:
 * <ul>
 * <li>{@code encode}: the server's {@link ChunkEventEncoder} (what its EventStreamWriter uses)
 *     turns a Redis element ({@code index || ciphertext}) into a {@code chunk} event, written as
 *     the server writes it (head, then body) into a sink that only counts, so the socket is not
 *     in the figure;</li>
 * <li>{@code decode}: the jdk-client's EventStream parses that event from the byte stream and
 *     the Receiver's {@code ChunkDecoder} turns it back into ciphertext, in a buffer kept for the trial.</li>
 * </ul>
 * Score: chunks per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SseChunkBenchmark {
    /** The Receiver's line limit (4 MiB), which a 1 MiB chunk's base64 fits. */
    private static final int MAX_LINE = 4 * 1024 * 1024;

    @Param({"65536", "262144", "1048576"})
    public int chunkSize;

    private byte[] element;
    private CountingSink sink;
    private ChunkEventEncoder encoder;
    private EventStream events;
    private long index;
    private final ChunkDecoder decoder = new ChunkDecoder();
    private byte[] ciphertext;

    @Setup(Level.Trial)
    public void chunk() throws IOException {
        element = new byte[4 + chunkSize + 16];
        ThreadLocalRandom.current().nextBytes(element);
        sink = new CountingSink();
        encoder = new ChunkEventEncoder();
        ByteArrayOutputStream oneEvent = new ByteArrayOutputStream();
        ChunkEventEncoder first = new ChunkEventEncoder();
        first.encode(7, element, 4, element.length - 4);
        oneEvent.write(first.event(), 0, first.eventLength());
        // one EventStream for the whole trial, as the Receiver keeps one per transfer
        events = new EventStream(new Repeating(oneEvent.toByteArray()), MAX_LINE);
        ciphertext = new byte[chunkSize + 16];
        ServerEvent event = events.next();
        if (decoder.decode(event.array(), event.offset(), event.length(), ciphertext) != element.length - 4) {
            throw new IllegalStateException("the event does not decode to the chunk");
        }
    }

    @Benchmark
    public long encode() {
        encoder.encode(index++, element, 4, element.length - 4);
        sink.write(encoder.event(), 0, encoder.eventLength());
        return sink.count;
    }

    @Benchmark
    public int decode() throws IOException {
        ServerEvent event = events.next();
        return decoder.decode(event.array(), event.offset(), event.length(), ciphertext);
    }

    /** Where the encoder writes: counts bytes and keeps nothing. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** The same event, over and over: an endless download stream without a network. */
    private static final class Repeating extends InputStream {
        private final byte[] bytes;
        private int position;

        Repeating(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            int b = bytes[position] & 0xFF;
            position = (position + 1) % bytes.length;
            return b;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            int n = Math.min(len, bytes.length - position);
            System.arraycopy(bytes, position, into, off, n);
            position = (position + n) % bytes.length;
            return n;
        }
    }
}
