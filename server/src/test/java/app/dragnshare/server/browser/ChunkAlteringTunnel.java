package app.dragnshare.server.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A relay that alters a chunk in flight: a TCP tunnel to the server that, in the first download
 * event stream it carries, changes one base64 character of the first chunk event with id 2 or
 * more. Every length stays the same, so only the receiver's AES-GCM check can notice. The
 * server's SSE events come as {@code id:N\nevent:chunk\ndata:BASE64\n\n}, one write each.
 */
final class ChunkAlteringTunnel implements AutoCloseable {
    private final ServerSocket listener;
    private final int serverPort;
    private final AtomicBoolean altered = new AtomicBoolean();

    ChunkAlteringTunnel(int serverPort) {
        this.serverPort = serverPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("tunnel-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    boolean altered() {
        return altered.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                Thread.ofVirtual().start(() -> pipe(client, server, false));
                Thread.ofVirtual().start(() -> pipe(server, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean alter) {
        Alterer alterer = new Alterer();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (alter) {
                    alterer.apply(buffer, n);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side closed; close the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Reads the server's bytes and flips one character inside the base64 data of a chunk event
     * (the third or later). It flips only inside a run of 60 base64 characters, so it never
     * touches the HTTP chunked-encoding framing that may split a data line anywhere.
     */
    private final class Alterer {
        private final StringBuilder recent = new StringBuilder();
        private final StringBuilder line = new StringBuilder();
        private boolean eventStream;
        private long eventId = -1;
        private boolean inData;
        private int base64Run;

        void apply(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                char c = (char) (bytes[i] & 0xff);
                if (!eventStream) {
                    recent.append(c);
                    if (recent.length() > 40) {
                        recent.delete(0, recent.length() - 40);
                    }
                    eventStream = recent.toString().contains("text/event-stream");
                }
                base64Run = isBase64(c) ? base64Run + 1 : 0;
                if (inData && base64Run == 60 && !altered.get()) {
                    bytes[i] = (byte) (c == 'A' ? 'B' : 'A');
                    altered.set(true);
                }
                if (c == '\n') {
                    String text = line.toString().strip();
                    if (text.isEmpty()) {
                        eventId = -1;
                        inData = false;
                    } else if (text.startsWith("id:")) {
                        eventId = parse(text.substring(3).strip());
                    }
                    line.setLength(0);
                } else if (line.length() < 24) {
                    line.append(c);
                    if (line.length() == 5 && line.toString().equals("data:") && eventStream && eventId >= 2) {
                        inData = true;
                    }
                }
            }
        }

        private boolean isBase64(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
        }

        private long parse(String number) {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
