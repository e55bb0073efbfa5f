package app.dragnshare.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The long link's proxy: late by its delay each way, and every byte through, in order, with the end. */
class DelayProxyTest {
    private ServerSocket echo;

    /** Sends back whatever arrives, and closes its side when the other side has finished sending. */
    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread.ofPlatform().daemon().start(() -> {
                        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the test ended
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void aRoundTripTakesTheDelayEachWay() throws Exception {
        try (DelayProxy proxy = DelayProxy.start(echoAddress(), Duration.ofMillis(25));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(10_000);
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                socket.getOutputStream().write(i);
                assertEquals(i, socket.getInputStream().read());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= 50, "a round trip through 25 ms each way took " + millis + " ms");
            }
        }
    }

    @Test
    void everyByteArrivesInOrderAndTheEndFollowsThem() throws Exception {
        echoThrough(Duration.ofMillis(25));
    }

    /** With no delay it forwards holding one read per direction (ResumeCost's line that can be cut). */
    @Test
    void withoutADelayEveryByteArrivesInOrderToo() throws Exception {
        echoThrough(Duration.ZERO);
    }

    private void echoThrough(Duration delay) throws Exception {
        byte[] sent = new byte[24 << 20];
        new Random(3).nextBytes(sent);
        try (DelayProxy proxy = DelayProxy.start(echoAddress(), delay);
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                try {
                    return socket.getInputStream().readAllBytes(); // ends only when the echo's end came through
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            OutputStream out = socket.getOutputStream();
            for (int offset = 0; offset < sent.length; offset += 100_003) {
                out.write(sent, offset, Math.min(100_003, sent.length - offset));
            }
            socket.shutdownOutput();
            assertArrayEquals(sent, back.get(60, TimeUnit.SECONDS));
        }
    }

    private InetSocketAddress echoAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
    }
}
