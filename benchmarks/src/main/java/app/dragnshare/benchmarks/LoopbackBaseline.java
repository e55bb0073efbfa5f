package app.dragnshare.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The yardstick for the end-to-end figure: the same file copied between two JVM processes over a
 * plain loopback TCP stream, no crypto, no relay, no framing. Shaped like a Drag-n-Share
 * transfer: the sharing side is up first and holds the file; the receiving side is a fresh JVM
 * that connects, writes what it reads into a file in chunk-sized pieces and forces it to disk at
 * the end, as the jdk-client's receiver does.
 * <pre>
 *   serve FILE          listen on a loopback port, print it, send FILE to the first connection
 *   fetch PORT OUTFILE  read everything into OUTFILE, fsync, print the copy's own nanoseconds
 * </pre>
 */
public final class LoopbackBaseline {
    /** The jdk-client's chunk size, so both sides move the same pieces. */
    private static final int BUFFER = 256 * 1024;

    private LoopbackBaseline() {
    }

    public static void main(String[] args) throws IOException {
        switch (args.length > 0 ? args[0] : "") {
            case "serve" -> serve(Path.of(args[1]));
            case "fetch" -> fetch(Integer.parseInt(args[1]), Path.of(args[2]));
            default -> {
                System.err.println("usage: LoopbackBaseline serve FILE | fetch PORT OUTFILE");
                System.exit(2);
            }
        }
    }

    private static void serve(Path file) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(listener.getLocalPort());
            System.out.flush();
            listener.setSoTimeout(120_000); // never wait forever for a fetch that does not come
            try (Socket socket = listener.accept();
                 InputStream in = Files.newInputStream(file);
                 OutputStream out = socket.getOutputStream()) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            }
        }
    }

    private static void fetch(int port, Path target) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
             InputStream in = socket.getInputStream();
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            socket.setSoTimeout(60_000);
            byte[] buffer = new byte[BUFFER];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            while (true) {
                int n = in.readNBytes(buffer, 0, BUFFER);
                if (n == 0) {
                    break;
                }
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
            }
            out.force(true);
        }
        System.out.println(System.nanoTime() - start);
    }
}
