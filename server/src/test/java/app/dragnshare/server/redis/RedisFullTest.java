package app.dragnshare.server.redis;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

import redis.embedded.RedisServer;

/**
 * Redis at maxmemory with noeviction refuses writes. A transfer that cannot queue its chunks
 * fails with "server-busy" (not "the sharer went away"), and the sharer stays connected. The
 * receiver asks a second instance: chunks between two ends on one instance stay in that instance
 * and never fill Redis ({@code SameInstanceRelayTest}).
 */
class RedisFullTest {
    @TempDir
    Path dir;

    @Test
    void aFullRedisFailsTheTransferAsBusyAndKeepsTheSharer() throws Exception {
        int port = FreePort.find();
        RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("requirepass full-test").setting("save \"\"").setting("appendonly no")
                .setting("maxmemory 2500kb").setting("maxmemory-policy noeviction")
                .onShutdownForceStop(true).build();
        redis.start();
        Map<String, String> settings = Map.of("REDIS_URL", "redis://:full-test@127.0.0.1:" + port);
        try (DragNShareServer server = TestServer.start(settings, RelayTap.NONE);
             DragNShareServer receiversInstance = TestServer.start(settings, RelayTap.NONE)) {
            Path file = TestFiles.zeros(dir, "big.iso", 200L * 1024 * 1024);
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                Invite invite = Invite.parse(sending.link());
                ServerApi api = new ServerApi(invite.server());
                Membership guest = api.join(invite.sessionId(), invite.joinCode());
                RemoteFile remote = api.listFiles(guest).getFirst();

                // a receiver that reads nothing: the queue in Redis fills up behind it
                String transferId = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
                byte[] key = new TransferKeys().publicKey();
                String body = "{\"transferId\":\"" + transferId + "\",\"publicKey\":\""
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\",\"hmac\":\""
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(
                                invite.keys().requestMac(transferId, remote.id(), key, 0)) + "\"}";
                HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(TestServer.url(receiversInstance) + "/api/sessions/" + invite.sessionId() + "/files/" + remote.id()
                                        + "/transfers"))
                        .header("Authorization", "Bearer " + guest.token()).header("Accept", "text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, response.statusCode());

                assertEventually(() -> text(sending).contains("at capacity"), "the sharer hears: " + text(sending));
                String stream;
                try (InputStream in = response.body()) {
                    stream = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                String tail = stream.substring(Math.max(0, stream.length() - 300));
                assertTrue(tail.contains("event: error") && tail.contains("server-busy"), tail);
                assertTrue(sending.process().isAlive(), "the sharer stays connected");
                assertTrue(sending.process().waitFor(1, TimeUnit.SECONDS) == false);
            }
        } finally {
            redis.stop();
        }
    }

    private static String text(Cli.Sending sending) {
        try {
            return sending.stderrText();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
