package app.dragnshare.client.transfer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Stopping the downloads ends a read blocked on a silent server, though a platform thread's interrupt alone would not. */
class DownloadThreadsTest {
    @Test
    void anInterruptEndsAReadBlockedOnASilentServer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(silent.getInetAddress(), silent.getLocalPort())) {
            ExecutorService pool = Executors.newSingleThreadExecutor(DownloadThreads.factory("download-"));
            Future<?> reading = pool.submit(() -> {
                try (InputStream in = socket.getInputStream();
                     DownloadThreads.Registration stoppable = DownloadThreads.closeOnInterrupt(socket)) {
                    return in.read(); // the server never sends: only the close can end this
                }
            });
            Thread.sleep(300); // let the read block
            long stopped = System.nanoTime();
            pool.shutdownNow();
            Exception e = assertThrows(Exception.class, () -> reading.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, "the read failed on the closed socket: " + e);
            assertTrue(System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(5), "the read ended at once");
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anInterruptBeforeTheRegistrationStillCloses() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(silent.getInetAddress(), silent.getLocalPort())) {
            Thread thread = DownloadThreads.factory("download-").newThread(() -> {
                Thread.currentThread().interrupt();
                try (DownloadThreads.Registration stoppable = DownloadThreads.closeOnInterrupt(socket)) {
                    // registered after the interrupt
                }
            });
            thread.start();
            thread.join(5_000);
            assertTrue(socket.isClosed(), "closed when registered on an interrupted thread");
        }
    }
}
