package app.dragnshare.server.sharer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.SharerCrowd;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * 300 members of one session connect their sharer sockets in one burst, each exactly once: none may be told
 * "connected again elsewhere" (4409), which before the fix closed a large share of them when
 * the burst (each connection tells the 299 others) delayed their presence renewal past its TTL.
 */
class BurstConnectTest {
    private static final int MEMBERS = 300;

    @Test
    void aBurstOfSingleConnectionsHasNoReplacements() throws Exception {
        try (DragNShareServer server = TestServer.start(
                Map.of("MAX_MEMBERS_PER_SESSION", Integer.toString(MEMBERS)), RelayTap.NONE);
             SharerCrowd crowd = new SharerCrowd(message -> { })) {
            List<String> tokens = SharerCrowd.members(TestServer.url(server), MEMBERS).tokens();
            crowd.openAll(server.port(), tokens);
            long settle = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < settle && crowd.ready() + closed(crowd) < MEMBERS) {
                Thread.sleep(100);
            }
            Thread.sleep(12_000); // past the presence TTL (10 s): every socket has renewed its presence since
            assertEquals(Map.of(), Map.copyOf(crowd.closes()), "close codes the server sent");
            assertEquals(MEMBERS, crowd.ready(), "every member was told ready");
            assertEquals(MEMBERS, server.connectedSharers());
        }
    }

    private static int closed(SharerCrowd crowd) {
        return crowd.closes().values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum();
    }
}
