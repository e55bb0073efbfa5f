package app.dragnshare.server.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestServer;

/**
 * The server's sockets receive in large windows. Helidon 4.2.0 sets SO_RCVBUF 4096 on the
 * listening socket, which every accepted socket inherits with the kernel's autotuning switched
 * off: a sharer's upload then moved 4 KiB per round trip (each of the server's reads of a sharer's
 * socket returned 4,096 bytes). The kernel's own view of the accepted socket ({@code ss}, from
 * iproute2) is the proof: a test cannot see a server socket's buffer any other way.
 */
class ReceiveBufferTest {
    @Test
    void anAcceptedSocketReceivesInAWindowFarAboveFourKilobytes() throws Exception {
        try (DragNShareServer server = TestServer.start(); Socket client = new Socket("127.0.0.1", server.port())) {
            client.getOutputStream().write("GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.getInputStream().read(); // the server has accepted and served it; the connection stays open
            String socket = ss("-tmnH", "state", "established", "( sport = :" + server.port() + " )");
            Matcher buffer = Pattern.compile("rb(\\d+)").matcher(socket);
            assertTrue(buffer.find(), "ss shows the server side's socket memory: " + socket);
            long receiveBuffer = Long.parseLong(buffer.group(1));
            // Linux caps a requested buffer at net.core.rmem_max (at least 208 KiB by default) and
            // doubles it; Helidon's 4096 shows as 8192.
            assertTrue(receiveBuffer >= 256 * 1024, "the server's receive buffer is " + receiveBuffer + " bytes");
        }
    }

    private static String ss(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "ss";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("this test reads the server's socket from the kernel with ss: apt-get install iproute2 (" + e.getMessage() + ")");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "ss did not finish");
        assertEquals(0, process.exitValue(), "ss failed: " + output);
        return output;
    }
}
