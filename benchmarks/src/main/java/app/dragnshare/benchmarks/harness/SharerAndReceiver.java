package app.dragnshare.benchmarks.harness;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

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

/**
 * A sharer and a receiver in one session, made of the jdk-client's own classes (ServerApi,
 * SharerConnection, Sender, Receiver: the code behind the CLI, minus its process) so that dozens
 * of them fit in one harness JVM. Each side has its own HTTP client, as two devices would. The
 * receiver can download the shared file again and again, each time as a new transfer.
 */
public final class SharerAndReceiver implements AutoCloseable {
    private final SharerConnection connection;
    private final Receiver receiver;
    private final RemoteFile remote;
    private final Queue<String> sharerProblems;

    private SharerAndReceiver(SharerConnection connection, Receiver receiver, RemoteFile remote,
                              Queue<String> sharerProblems) {
        this.connection = connection;
        this.receiver = receiver;
        this.remote = remote;
        this.sharerProblems = sharerProblems;
    }

    /** Creates a session, shares {@code data} in it over a sharer socket, and joins it as a receiver that saves into {@code out}. */
    public static SharerAndReceiver open(URI server, TestData data, Path out) throws Exception {
        return open(server, server, data, out);
    }

    /**
     * The same with the sharer on {@code sharerServer} and the receiver on {@code receiverServer}:
     * two instances on one Redis (and one JWT_KEY), so every chunk crosses from one to the other.
     */
    public static SharerAndReceiver open(URI sharerServer, URI receiverServer, TestData data, Path out) throws Exception {
        return open(new ServerApi(sharerServer), new ServerApi(receiverServer), data, out);
    }

    /**
     * The same through the given clients, which many pairs may share: one HttpClient (one selector
     * thread) for all sharers and one for all receivers, instead of one each, so that a harness of
     * many pairs in one JVM spends the cores on the server rather than on 2N selector threads.
     */
    public static SharerAndReceiver open(ServerApi sharerApi, ServerApi receiverApi, TestData data, Path out)
            throws Exception {
        Membership host = sharerApi.createSession();
        SessionKeys keys = SessionKeys.derive(host.sessionId(), SessionKeys.newSecret());
        String name = data.path().getFileName().toString();
        String fileId = sharerApi.registerFile(host, name, data.size(), "application/octet-stream");
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        Sender sender = new Sender(keys, List.of(new SharedFile(fileId, data.path(), name, data.size())),
                Chunking.DEFAULT_CHUNK_SIZE, new Sender.Events() {
                    @Override
                    public void delivered(SharedFile file) {
                    }

                    @Override
                    public void notDelivered(SharedFile file, String reason, boolean tampered) {
                        problems.add("sharer: " + file.name() + " not delivered: " + reason);
                    }

                    @Override
                    public void failed(SharedFile file, String reason) {
                        problems.add("sharer: transfer of " + file.name() + " failed: " + reason);
                    }

                    @Override
                    public void refused(String reason) {
                        problems.add("sharer: " + reason);
                    }

                    @Override
                    public void disconnected(int code, String reason) {
                    }
                });
        SharerConnection connection = SharerConnection.open(sharerApi, host.token(), sender);
        sender.attach(connection);

        Membership guest = receiverApi.join(host.sessionId(), host.joinCode());
        RemoteFile remote = receiverApi.listFiles(guest).stream().filter(f -> f.id().equals(fileId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the shared file is not in the session's list"));
        Files.createDirectories(out);
        return new SharerAndReceiver(connection, new Receiver(receiverApi, guest, keys, out), remote, problems);
    }

    /** One download, verified against {@code data} and then deleted; an exception says why it failed. */
    public void transferAndVerify(TestData data) throws Exception {
        transferAndVerify(data, Progress.NONE);
    }

    /** The same, telling {@code progress} how the download advances (e.g. to time its first chunk). */
    public void transferAndVerify(TestData data, Progress progress) throws Exception {
        Path saved = receiver.download(remote, progress);
        try {
            if (!data.sameAs(saved)) {
                throw new IllegalStateException("the received " + saved + " differs from " + data.path());
            }
        } finally {
            Files.deleteIfExists(saved);
        }
    }

    /** What went wrong on the sharer's side since the last call (failed transfers, refused requests). */
    public List<String> takeSharerProblems() {
        List<String> taken = new ArrayList<>();
        for (String p; (p = sharerProblems.poll()) != null; ) {
            taken.add(p);
        }
        return taken;
    }

    @Override
    public void close() {
        receiver.close(); // the receiver's member socket, if a paced download opened one
        connection.close();
    }
}
