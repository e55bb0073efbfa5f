package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.SharerConnection;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.transfer.Chunking;
import app.dragnshare.client.transfer.Sender;
import app.dragnshare.client.transfer.SharedFile;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.session.FileRecord;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;

import redis.clients.jedis.UnifiedJedis;

/**
 * A malicious sharer (a protocol client that signs whatever names it likes) with a server that
 * does not check paths (the names are written straight into Redis, as an old or hostile server
 * would list them): the real CLI receiver writes nothing outside --out, never through a link
 * already there, and overwrites nothing.
 */
class HostilePathsTest {
    private static final String LONG = "b".repeat(300) + "/" + "c".repeat(300) + ".txt";

    @TempDir
    Path dir;

    @Test
    void nothingIsWrittenOutsideTheFolderNorThroughALinkNorOverAFile() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = Files.createDirectories(dir.resolve("work/out"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(out.resolve("trap"), outside);
        Files.writeString(out.resolve("existing.txt"), "mine");
        // hostile name → where the receiver must put it, relative to --out (null: refused, not saved)
        Map<String, String> names = new LinkedHashMap<>();
        names.put("../x", "x");
        names.put("a/../../y", "a/y");
        names.put("/abs/z", "abs/z");
        names.put("..\\..\\w", "_.._w");
        names.put("C:\\Windows\\v", "C__Windows_v");
        names.put("trap/evil.txt", null);
        names.put("trap/../../escape.txt", null); // the climbs are dropped: trap/escape.txt, behind the link
        names.put("existing.txt", "existing (1).txt");
        names.put(LONG, "b".repeat(255) + "/" + "c".repeat(251) + ".txt");

        UnifiedJedis redis = TestRedis.client();
        try (DragNShareServer server = TestServer.start()) {
            ServerApi api = new ServerApi(TestServer.url(server));
            Membership host = api.createSession();
            Invite invite = new Invite(api.server(), host.sessionId(), host.joinCode(), SessionKeys.newSecret());
            List<Path> sources = new ArrayList<>();
            List<ServerApi.NewFile> placeholders = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                sources.add(TestFiles.random(in, "source" + i, 1000 + i, 40 + i));
                placeholders.add(new ServerApi.NewFile("placeholder" + i, 1000 + i, "application/octet-stream"));
            }
            List<String> ids = api.registerFiles(host, placeholders);
            List<SharedFile> shared = new ArrayList<>();
            int i = 0;
            for (String name : names.keySet()) {
                rename(redis, host.sessionId(), ids.get(i), name);
                shared.add(new SharedFile(ids.get(i), sources.get(i), name, 1000 + i));
                i++;
            }
            Sender sender = new Sender(invite.keys(), shared, Chunking.DEFAULT_CHUNK_SIZE, new Sender.Events() {
                @Override
                public void delivered(SharedFile file) {
                }

                @Override
                public void notDelivered(SharedFile file, String reason, boolean tampered) {
                }

                @Override
                public void failed(SharedFile file, String reason) {
                }

                @Override
                public void refused(String reason) {
                }

                @Override
                public void disconnected(int code, String reason) {
                }
            });
            try (SharerConnection connection = SharerConnection.open(api, host.token(), sender)) {
                sender.attach(connection);
                Cli.Result received = Cli.run(120, "receive", invite.link(), "--out", out.toString());

                assertEquals(8, received.exitCode(), "the file behind the link is a local failure: " + received.stderr());
                assertTrue(received.stderr().contains("trap/evil.txt: refusing to save into"), received.stderr());
                assertTrue(received.stderr().contains("it is a symbolic link, which is never followed"), received.stderr());
                i = 0;
                for (String expected : names.values()) {
                    if (expected != null) {
                        Path saved = out.resolve(expected);
                        assertTrue(Files.isRegularFile(saved), "missing " + expected + "; " + received.stderr());
                        assertTrue(TestFiles.sameBytes(sources.get(i), saved), expected);
                    }
                    i++;
                }
            }
        }
        assertEquals("mine", Files.readString(out.resolve("existing.txt")), "the existing file is untouched");
        try (Stream<Path> there = Files.list(outside)) {
            assertEquals(0, there.count(), "nothing was written where the link points");
        }
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> strays = all.filter(p -> !p.startsWith(in) && !p.startsWith(out) && !p.equals(dir)
                    && !p.equals(outside) && !p.equals(out.getParent())).toList();
            assertEquals(List.of(), strays, "nothing was written outside --out");
        }
        assertFalse(Files.exists(Path.of("/abs/z")));
    }

    /** What a server that does not check names would list. */
    private static void rename(UnifiedJedis redis, String sessionId, String fileId, String name) {
        FileRecord file = FileRecord.fromJson(Json.createReader(new StringReader(redis.hget(Keys.files(sessionId), fileId)))
                .readObject());
        redis.hset(Keys.files(sessionId), fileId, new FileRecord(file.id(), name, file.size(), file.type(), file.ownerId(),
                file.addedAt()).toJson().toString());
    }
}
