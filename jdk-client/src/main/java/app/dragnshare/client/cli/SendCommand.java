package app.dragnshare.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
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
import app.dragnshare.client.transfer.SafeFileName;
import app.dragnshare.client.transfer.Sender;
import app.dragnshare.client.transfer.SharedFile;

/**
 * {@code send [--server URL] [--join LINK] [--once] FILE...}: shares files, prints the invite
 * link alone on stdout and serves downloads until interrupted (or, with --once, until every
 * file was downloaded once). Reconnects when the server restarts.
 */
final class SendCommand {
    private static final int[] BACKOFF_SECONDS = {1, 2, 4, 8, 15};
    private static final long GIVE_UP_AFTER_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final PrintStream out;
    private final PrintStream err;
    private volatile SharerConnection connection;

    SendCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    void run(Arguments args) throws Exception {
        if (args.operands().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "name at least one file to send");
        }
        ChunkCipher.warmUpInBackground(); // while we talk to the server
        List<Path> paths = new ArrayList<>();
        for (String operand : args.operands()) {
            Path path = Path.of(operand);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new CliException(ExitCode.LOCAL_IO, "cannot read " + operand + ": not a readable file");
            }
            paths.add(path);
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

        List<SharedFile> files = new ArrayList<>();
        for (Path path : paths) {
            long size = Files.size(path);
            String name = SafeFileName.of(path.getFileName().toString());
            String type = probeType(path);
            files.add(new SharedFile(api.registerFile(me, name, size, type), path, name, size));
        }

        boolean once = args.flag("once");
        Set<String> served = new HashSet<>();
        BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
        Sender sender = new Sender(keys, files, Chunking.DEFAULT_CHUNK_SIZE, new Sender.Events() {
            @Override
            public synchronized void served(SharedFile file) {
                err.println("sent " + TerminalText.visible(file.name()) + " (" + ProgressBar.bytes(file.size()) + ")");
                served.add(file.id());
                if (once && served.size() == files.size()) {
                    signals.add(new Signal(0, "every file was downloaded once"));
                }
            }

            @Override
            public void failed(SharedFile file, String reason) {
                err.println("transfer of " + TerminalText.visible(file.name()) + " stopped: "
                        + (stopping ? "you stopped sharing; the receiver is told" : TerminalText.visible(reason)));
            }

            @Override
            public void refused(String reason) {
                err.println("warning: " + TerminalText.visible(reason));
            }

            @Override
            public void disconnected(int code, String reason) {
                signals.add(new Signal(code, reason));
            }
        });

        connection = SharerConnection.open(api, me.token(), sender);
        sender.attach(connection);
        out.println(invite.link());
        out.flush();
        err.println("Sharing " + files.size() + (files.size() == 1 ? " file" : " files") + " in \""
                + TerminalText.visible(me.sessionName()) + "\". Send the link above to the recipient; " + (once ? "exits after each file was downloaded once."
                : "press Ctrl-C to stop sharing."));
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

    /** Why serving stopped or paused: code 0 when done, else the socket's close code. */
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
