package app.dragnshare.benchmarks.jmh;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
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

import io.helidon.common.buffers.DataReader;
import io.helidon.websocket.ClientWsFrame;

import app.dragnshare.server.sharer.ChunkIntake;
import app.dragnshare.server.websocket.FrameReader;
import app.dragnshare.server.websocket.Payload;

/**
 * How the server takes in one 1 MiB chunk (MAX_CHUNK_SIZE) from a sharer's WebSocket, with the
 * code that runs there, through the server's public seams ({@link ChunkIntake}: the socket's own
 * ChunkAssembler into an exactly sized Redis element; {@link FrameReader}). Only the socket itself
 * is left out. {@code frameSize} is how the client splits the message: at most that many payload
 * bytes per frame (the jdk-client sends 2 KiB frames, the page 16 KiB messages).
 * <ul>
 * <li>{@code bulkFramesIntoElement}: the server's {@link FrameReader} over its 16 KiB socket
 * window, unmasking straight into the element (what runs now).
 * <li>{@code helidonFramesIntoElement}: Helidon 4.2's {@code ClientWsFrame.read} and byte-by-byte
 * unmasking over copied 8 KiB reads, as its {@code PlainSocket} hands them out (what ran before).
 * <li>{@code copyOnly}: the floor, the same bytes copied into an element with no framing at all.
 * </ul>
 *
 * <p>Score: chunks per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class WebSocketIntakeBenchmark {
    public static final int CHUNK = 1024 * 1024;
    private static final int CIPHER = CHUNK + 16;
    /** Helidon's PlainSocket reads at most this much per call and copies it out. */
    private static final int SOCKET_READ = 8 * 1024;
    /** The server's own socket window (BulkWsConnection.WINDOW). */
    private static final int WINDOW = 8 * 1024;
    /** The server's max-frame-length: MAX_CHUNK_SIZE (1 MiB) + 64 KiB. */
    private static final int MAX_FRAME = 1024 * 1024 + 64 * 1024;

    @Param({"2048", "16384", "262144", "1048576"})
    public int frameSize;

    private byte[] wire;
    private ChunkIntake intake;
    private final byte[] window = new byte[WINDOW];

    @Setup(Level.Trial)
    public void message() {
        byte[] message = new byte[20 + CIPHER]; // transferId (16) || index (4) || ciphertext
        ThreadLocalRandom.current().nextBytes(message);
        message[16] = message[17] = message[18] = message[19] = 0;
        wire = frames(message, frameSize);
        intake = new ChunkIntake(CIPHER);
    }

    @Benchmark
    public byte[] helidonFramesIntoElement() {
        DataReader reader = new DataReader(new SocketReads(wire));
        while (true) {
            ClientWsFrame frame = ClientWsFrame.read(null, reader, MAX_FRAME);
            byte[] element = intake.accept(Payload.of(frame.payloadData()), frame.fin());
            if (element != null) {
                return element;
            }
        }
    }

    @Benchmark
    public byte[] bulkFramesIntoElement() throws Exception {
        int[] at = {0};
        FrameReader reader = new FrameReader(into -> { // a socket read into the window: at most WINDOW bytes
            int n = Math.min(into.length, wire.length - at[0]);
            System.arraycopy(wire, at[0], into, 0, n);
            at[0] += n;
            return n == 0 ? -1 : n;
        }, window, MAX_FRAME);
        while (true) {
            reader.next();
            byte[] element = intake.accept(reader, reader.fin());
            if (element != null) {
                return element;
            }
        }
    }

    @Benchmark
    public byte[] copyOnly() {
        SocketReads reads = new SocketReads(wire);
        byte[] element = new byte[4 + CIPHER];
        int fill = 0;
        for (byte[] piece; (piece = reads.get()) != null; ) {
            int n = Math.min(piece.length, element.length - fill);
            System.arraycopy(piece, 0, element, fill, n);
            fill += n;
        }
        return element;
    }

    /** The message as a client sends it: masked frames of at most {@code frameSize} payload bytes (RFC 6455 §5.2). */
    static byte[] frames(byte[] message, int frameSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int offset = 0; offset < message.length; offset += frameSize) {
            int length = Math.min(frameSize, message.length - offset);
            boolean fin = offset + length == message.length;
            out.write((fin ? 0x80 : 0) | (offset == 0 ? 0x2 : 0x0)); // binary, then continuation frames
            if (length < 126) {
                out.write(0x80 | length);
            } else if (length < 65536) {
                out.write(0x80 | 126);
                out.write(length >>> 8);
                out.write(length & 0xFF);
            } else {
                out.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) ((long) length >>> shift) & 0xFF);
                }
            }
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            out.writeBytes(mask);
            for (int i = 0; i < length; i++) {
                out.write(message[offset + i] ^ mask[i % 4]);
            }
        }
        return out.toByteArray();
    }

    /** Hands out the wire bytes the way Helidon's PlainSocket.get does: a fresh copy of each (at most) 8 KiB read. */
    private static final class SocketReads implements java.util.function.Supplier<byte[]> {
        private final byte[] wire;
        private int position;

        SocketReads(byte[] wire) {
            this.wire = wire;
        }

        @Override
        public byte[] get() {
            if (position >= wire.length) {
                return null;
            }
            int n = Math.min(SOCKET_READ, wire.length - position);
            byte[] piece = Arrays.copyOfRange(wire, position, position + n);
            position += n;
            return piece;
        }
    }
}
