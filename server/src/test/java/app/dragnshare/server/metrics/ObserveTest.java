package app.dragnshare.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** What an operator sees: liveness, readiness with Redis, and metrics that move with the traffic. */
class ObserveTest {
    @TempDir
    Path dir;

    @Test
    void healthAndMetricsFollowTheTraffic() throws Exception {
        try (DragNShareServer server = TestServer.start()) {
            Http http = new Http(TestServer.url(server));
            assertEquals(200, http.get("/observe/health/live", null).status());
            Http.Reply ready = http.get("/observe/health/ready", null);
            assertEquals(200, ready.status());
            assertTrue(ready.body().contains("\"redis\"") && ready.body().contains("accepting-transfers"), ready.body());

            double sessions = metric(http, "dns_sessions_created_total");
            double completed = metric(http, "dns_transfers_completed_total");
            double bytes = metric(http, "dns_relay_bytes_total");
            double offline = metric(http, "dns_transfers_failed_total\\{cause=\"tampered\"");

            Path file = TestFiles.random(dir, "m.bin", 500_000, 71);
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
                assertEquals(0, Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out").toString()).exitCode());
            }
            assertEquals(sessions + 1, metric(http, "dns_sessions_created_total"));
            assertEquals(completed + 1, metric(http, "dns_transfers_completed_total"));
            assertEquals(bytes + 500_000 + 2 * 16, metric(http, "dns_relay_bytes_total"), "ciphertext of two chunks");
            assertEquals(offline, metric(http, "dns_transfers_failed_total\\{cause=\"tampered\""));
            assertTrue(http.get("/observe/metrics", null).body().contains("dns_sharers_connected"));
        }
    }

    /** A value from the Prometheus text, 0 when the series does not exist yet. */
    private static double metric(Http http, String series) throws Exception {
        String text = http.get("/observe/metrics", null).body();
        Matcher m = Pattern.compile("(?m)^" + series + "[^ ]* ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
