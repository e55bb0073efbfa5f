package app.dragnshare.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.InvalidInviteException;
import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.SharerConnection;
import app.dragnshare.client.api.ServerTrust;
import app.dragnshare.client.api.UnreachableException;
import app.dragnshare.client.api.UntrustedServerException;
import app.dragnshare.client.crypto.ChunkCipher;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.transfer.Chunking;
import app.dragnshare.client.transfer.LocalFiles;
import app.dragnshare.client.transfer.Sender;
import app.dragnshare.client.transfer.SharedFile;

/**
 * {@code send [--server URL] [--join LINK] [--once] FILE|DIR...}: shares files (a folder: every file
 * below it, with its path; links inside are not followed), prints the invite link alone on stdout
 * and serves downloads until interrupted (or, with --once, until the receiver's verified receipt
 * came for every file once; a download that ends without one ends the command with
 * {@link ExitCode#NOT_DELIVERED}). Reconnects when the server restarts or the connection drops or falls silent.
 */
final class SendCommand {
    private static final int[] BACKOFF_SECONDS = {1, 2, 4, 8, 15};
    private static final long GIVE_UP_AFTER_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** The longest path servers accept by default (PROTOCOL.md §5.4). */
    private static final int MAX_PATH_LENGTH = 1024;

    private final PrintStream out;
    private final PrintStream err;
    private volatile SharerConnection connection;

    SendCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A file or folder named on the command line; one this JVM cannot name is a usage error that says why. */
    private static Path operand(String name) throws CliException {
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw new CliException(ExitCode.USAGE, LocalNames.unnameable(name));
        }
    }

    void run(Arguments args) throws Exception {
        if (args.operands().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "name at least one file or folder to send");
        }
        LocalFiles.Found found;
        try {
            List<Path> operands = new ArrayList<>();
            for (String name : args.operands()) {
                operands.add(operand(name));
            }
            found = LocalFiles.collect(operands);
        } catch (IOException e) {
            throw new CliException(ExitCode.LOCAL_IO, TerminalText.visible(e.getMessage())); // it names local files
        }
        if (found.files().stream().mapToLong(LocalFiles.Entry::size).sum() >= ChunkCipher.WARM_UP_WORTH) {
            ChunkCipher.warmUpInBackground(); // while we talk to the server
        }
        if (found.files().isEmpty()) {
            throw new CliException(ExitCode.LOCAL_IO, "nothing to share: the folders hold no regular files");
        }
        for (LocalFiles.Entry entry : found.files()) {
            if (entry.name().codePointCount(0, entry.name().length()) > MAX_PATH_LENGTH) {
                throw new CliException(ExitCode.USAGE, "cannot share " + entry.path() + ": its path in the shared folder is "
                        + "longer than " + MAX_PATH_LENGTH + " characters, which servers refuse");
            }
        }

        ServerApi api;
        ServerTrust trust;
        Membership me;
        Invite invite;
        if (args.options().containsKey("join")) {
            Invite given = Invite.parse(args.option("join", ""));
            trust = Main.trust(args, given.server());
            api = new ServerApi(given.server(), trust);
            me = api.join(given.sessionId(), given.joinCode());
            invite = given;
        } else {
            URI server = URI.create(Main.serverUrl(args));
            trust = Main.trust(args, server);
            api = new ServerApi(server, trust);
            me = api.createSession();
            invite = new Invite(api.server(), me.sessionId(), me.joinCode(), SessionKeys.newSecret());
            try {
                Invite.parse(invite.link()); // the server chose the id and code, and the link goes to the terminal
            } catch (InvalidInviteException e) {
                throw new CliException(ExitCode.FAILURE, "the server answered with a malformed session id or join code");
            }
        }
        SessionKeys keys = invite.keys();

        List<ServerApi.NewFile> metadata = new ArrayList<>();
        for (LocalFiles.Entry entry : found.files()) {
            metadata.add(new ServerApi.NewFile(entry.name(), entry.size(), probeType(entry.path())));
        }
        List<String> ids = api.registerFiles(me, metadata); // a tree is a few requests, not one per file
        List<SharedFile> files = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            LocalFiles.Entry entry = found.files().get(i);
            files.add(new SharedFile(ids.get(i), entry.path(), entry.name(), entry.size()));
        }

        boolean once = args.flag("once");
        Set<String> delivered = new HashSet<>();
        BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
        Sender sender = new Sender(keys, files, Chunking.DEFAULT_CHUNK_SIZE, new Sender.Events() {
            @Override
            public synchronized void delivered(SharedFile file) {
                err.println("sent " + TerminalText.visible(file.name()) + " (" + ProgressBar.bytes(file.size())
                        + "): the receiver verified every byte");
                delivered.add(file.id());
                if (once && delivered.size() == files.size()) {
                    signals.add(new Signal(0, "every file was delivered once"));
                }
            }

            @Override
            public synchronized void notDelivered(SharedFile file, String reason, boolean tampered) {
                err.println("NOT delivered: " + TerminalText.visible(file.name()) + ": " + TerminalText.visible(reason));
                if (once && !delivered.contains(file.id())) {
                    signals.add(new Signal(NOT_DELIVERED, TerminalText.visible(file.name()) + " was not delivered"));
                }
            }

            @Override
            public void failed(SharedFile file, String reason) {
                err.println("transfer of " + TerminalText.visible(file.name()) + " stopped: "
                        + (stopping ? "you stopped sharing; the receiver is told"
                        : TerminalText.visible(reason) + " (the receiver may resume it)"));
            }

            @Override
            public void refused(String reason) {
                err.println("warning: " + TerminalText.visible(reason));
            }

            @Override
            public void disconnected(int code, String reason) {
                if (!stopping) { // our own goodbye on Ctrl-C is no reason to reconnect
                    signals.add(new Signal(code, reason));
                }
            }
        });

        connection = SharerConnection.open(api, me.token(), sender);
        sender.attach(connection);
        out.println(invite.link());
        out.flush();
        err.println("Sharing " + files.size() + (files.size() == 1 ? " file" : " files") + " in \""
                + TerminalText.visible(me.sessionName()) + "\". Send the link above to the recipient; " + (once ? "exits after each file was downloaded once."
                : "press Ctrl-C to stop sharing."));
        if (found.links() > 0 || found.special() > 0) {
            err.println("Not shared: " + (found.links() > 0 ? found.links() + " symbolic link" + (found.links() == 1 ? "" : "s")
                    + " inside the folders (links are not followed)" : "") + (found.links() > 0 && found.special() > 0 ? " and " : "")
                    + (found.special() > 0 ? found.special() + " special file" + (found.special() == 1 ? "" : "s")
                    + " (sockets, pipes, devices)" : "") + ".");
        }
        if (found.renamed() > 0) {
            err.println(LocalNames.renamed(found.renamed()));
        }
        trust.pinnedFingerprint().ifPresent(fingerprint -> err.println("The server's certificate is self-signed: a receiving "
                + "CLI needs --trust-fingerprint " + fingerprint + ", and a browser warns once (go on only if the certificate "
                + "it shows has this fingerprint)."));
        // Ctrl-C: say goodbye, so the server fails running transfers at once instead of by timeout
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            connection.close();
        }, "stop-sharing"));
        serve(api, me, sender, signals);
    }

    /** A Signal's code for "--once, and a file was not delivered". */
    private static final int NOT_DELIVERED = -9;

    /** Why serving stopped or paused: code 0 when done, {@link #NOT_DELIVERED}, else the socket's close code. */
    private record Signal(int code, String reason) {
        boolean fatal() {
            return code == 4410 || code == 4401 || code == 4403 || code == 4409;
        }
    }

    /** Set by Ctrl-C: transfers cut off by our own goodbye are not failures to explain. */
    private volatile boolean stopping;

    /** Why a server that refuses a reconnect may have forgotten the session, and what to do. */
    private static final String FORGOTTEN = "The session may have ended or expired, or the server restarted without the "
            + "data it keeps its sessions in (its DATA_DIR, or its own Redis and JWT_KEY); run send again for a new link.";

    /** Waits until finished; when the connection drops for a passing reason, reconnects with backoff. */
    private void serve(ServerApi api, Membership me, Sender sender, BlockingQueue<Signal> signals) throws Exception {
        while (true) {
            Signal signal = signals.take();
            if (signal.code() == 0) {
                connection.close();
                return;
            }
            if (signal.code() == NOT_DELIVERED) {
                connection.close();
                throw new CliException(ExitCode.NOT_DELIVERED, signal.reason() + " (the receiver did not confirm it with a "
                        + "verified receipt)");
            }
            if (signal.fatal()) {
                throw new CliException(signal.code() == 4410 ? ExitCode.BAD_INVITE : ExitCode.DENIED,
                        signal.reason().isEmpty() ? "the server closed the connection (" + signal.code() + ")"
                                : TerminalText.visible(signal.reason()));
            }
            err.println("lost the connection to the server (" + signal.code() + "); reconnecting…");
            long started = System.nanoTime();
            for (int attempt = 0; ; attempt++) {
                Signal done = signals.poll(BACKOFF_SECONDS[Math.min(attempt, BACKOFF_SECONDS.length - 1)], TimeUnit.SECONDS);
                if (done != null && done.code() == 0) {
                    return;
                }
                if (done != null && done.code() == NOT_DELIVERED) {
                    throw new CliException(ExitCode.NOT_DELIVERED, done.reason());
                }
                try {
                    connection = SharerConnection.open(api, me.token(), sender);
                    sender.attach(connection);
                    err.println("reconnected");
                    break;
                } catch (ApiException refused) {
                    if (refused.status() < 500) {
                        CliException failure = Failures.of(refused);
                        if (refused.status() == 429) {
                            throw failure; // too many attempts: its message says when to try again
                        }
                        throw new CliException(failure.exitCode(), "the server refused this session on reconnecting ("
                                + failure.getMessage() + "). " + FORGOTTEN);
                    }
                } catch (UntrustedServerException e) {
                    throw Failures.of(e); // another certificate now: retrying cannot help
                } catch (UnreachableException e) {
                    if (System.nanoTime() - started > GIVE_UP_AFTER_NANOS) {
                        throw Failures.of(e);
                    }
                }
            }
        }
    }

    private static String probeType(Path path) {
        try {
            String type = Files.probeContentType(path);
            return type == null ? "application/octet-stream" : type;
        } catch (IOException e) {
            return "application/octet-stream";
        }
    }
}
