package app.dragnshare.server.transfer;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static app.dragnshare.server.testing.RedisKeys.assertEveryKeyHasATtl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.SharerConnection;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.transfer.Chunking;
import app.dragnshare.client.transfer.Progress;
import app.dragnshare.client.transfer.Receiver;
import app.dragnshare.client.transfer.Sender;
import app.dragnshare.client.transfer.SharedFile;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * A hundred transfers at once, spread over two instances on one Redis, with the jdk-client's own
 * code in-process (a hundred JVMs would measure the machine, not the server): all byte-identical.
 */
class LoadTest {
    private static final int SHARERS = 10;
    private static final int FILES_EACH = 10;
    private static final int FILE_SIZE = 2 * 1024 * 1024 + 123;

    @TempDir
    Path dir;

    @Test
    void hundredConcurrentTransfersOverTwoInstances() throws Exception {
        Map<String, String> settings = Map.of("MAX_TRANSFERS_PER_SENDER", Integer.toString(FILES_EACH));
        try (DragNShareServer a = TestServer.start(settings, RelayTap.NONE);
             DragNShareServer b = TestServer.start(settings, RelayTap.NONE);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<DragNShareServer> servers = List.of(a, b);
            List<SharerConnection> connections = new ArrayList<>();
            List<Job> jobs = new ArrayList<>();
            for (int s = 0; s < SHARERS; s++) {
                ServerApi api = new ServerApi(TestServer.url(servers.get(s % 2)));
                Membership host = api.createSession();
                SessionKeys keys = SessionKeys.derive(host.sessionId(), SessionKeys.newSecret());
                List<SharedFile> files = new ArrayList<>();
                for (int f = 0; f < FILES_EACH; f++) {
                    Path file = TestFiles.random(dir, "s" + s + "-f" + f + ".bin", FILE_SIZE, s * 100L + f);
                    files.add(new SharedFile(api.registerFile(host, file.getFileName().toString(), FILE_SIZE, "x"),
                            file, file.getFileName().toString(), FILE_SIZE));
                }
                Sender sender = new Sender(keys, files, Chunking.DEFAULT_CHUNK_SIZE, new QuietEvents());
                SharerConnection connection = SharerConnection.open(api, host.token(), sender);
                sender.attach(connection);
                connections.add(connection);
                Invite invite = new Invite(api.server(), host.sessionId(), host.joinCode(), keys.secret());
                for (SharedFile file : files) {
                    // the receiver goes to the other instance than its sharer
                    jobs.add(new Job(invite, file, servers.get((s + 1) % 2)));
                }
            }

            CountDownLatch go = new CountDownLatch(1);
            // Every receiver holds at its offer until all have one, so all 100 transfers are under way
            // at once: none can finish before the last has started. (The server's own count of running
            // streams can be lower at that instant: loopback socket buffers hold a whole 2 MiB file.)
            CountDownLatch allOffered = new CountDownLatch(jobs.size());
            List<Future<Path>> results = new ArrayList<>();
            for (Job job : jobs) {
                results.add(threads.submit(() -> job.run(go, allOffered)));
            }
            go.countDown();
            for (int i = 0; i < jobs.size(); i++) {
                Path saved = results.get(i).get(180, TimeUnit.SECONDS);
                assertTrue(TestFiles.sameBytes(jobs.get(i).file.path(), saved), "bytes differ for " + saved);
            }
            assertEquals(0, allOffered.getCount(), "all 100 transfers were under way at once");
            connections.forEach(SharerConnection::close);
            assertEventually(() -> a.activeTransfers() + b.activeTransfers() == 0, "every transfer ended");
            // A close frame is seen at once; a client whose close did not get out in time aborts, and
            // Helidon does not report a vanished peer: the idle socket's ping finds it, within the
            // heartbeat (10 s) plus one blocking pop (3 s). Seen once in a loaded run: one of ten left late.
            assertEventually(() -> a.connectedSharers() + b.connectedSharers() == 0, "every sharer left",
                    java.time.Duration.ofSeconds(20));
            assertEventually(() -> a.redis().activeConnections() + b.redis().activeConnections() == 0,
                    "every Redis connection is back in its pool");
            assertEveryKeyHasATtl(TestRedis.client());
        }
    }

    /** One receiver: joins with the invite on its instance and downloads one file when told to go. */
    private final class Job {
        private final Invite invite;
        private final SharedFile file;
        private final DragNShareServer server;

        Job(Invite invite, SharedFile file, DragNShareServer server) {
            this.invite = invite;
            this.file = file;
            this.server = server;
        }

        Path run(CountDownLatch go, CountDownLatch allOffered) throws Exception {
            ServerApi api = new ServerApi(TestServer.url(server));
            Membership guest = api.join(invite.sessionId(), invite.joinCode());
            RemoteFile remote = api.listFiles(guest).stream().filter(f -> f.id().equals(file.id())).findFirst().orElseThrow();
            Path out = Files.createDirectories(dir.resolve("out-" + file.id()));
            go.await();
            try (Receiver receiver = new Receiver(api, guest, invite.keys(), out)) { // its member socket for paced downloads closes
                return download(receiver, remote, allOffered);
            }
        }

        private Path download(Receiver receiver, RemoteFile remote, CountDownLatch allOffered) throws Exception {
            return receiver.download(remote, new Progress() {
                @Override
                public void started(String name, long size, long done) {
                    allOffered.countDown();
                    try {
                        if (!allOffered.await(120, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("only " + (100 - allOffered.getCount())
                                    + " transfers got their offer within 120 s");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }

    private static final class QuietEvents implements Sender.Events {
        @Override
        public void delivered(SharedFile file) {
        }

        @Override
        public void notDelivered(SharedFile file, String reason, boolean tampered) {
            throw new AssertionError(file.name() + " was not delivered: " + reason);
        }

        @Override
        public void failed(SharedFile file, String reason) {
            throw new AssertionError("transfer of " + file.name() + " failed: " + reason);
        }

        @Override
        public void refused(String reason) {
            throw new AssertionError(reason);
        }

        @Override
        public void disconnected(int code, String reason) {
            if (code != 1000) {
                throw new AssertionError("a sharer's connection dropped: " + code + " " + reason);
            }
        }
    }
}
