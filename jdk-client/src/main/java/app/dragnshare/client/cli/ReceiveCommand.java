package app.dragnshare.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.crypto.ChunkCipher;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.transfer.Receiver;
import app.dragnshare.client.transfer.TransferFailedException;

/**
 * {@code receive LINK [--out DIR] [NAME...]}: joins the session and downloads every file (or the
 * named ones: a NAME may be a folder, for every file below it) into DIR, recreating the files'
 * folders there, a few files at once. Exits 0 only when every file arrived whole and verified.
 */
final class ReceiveCommand {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    ReceiveCommand(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    void run(Arguments args) throws Exception {
        if (args.operands().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "give the invite link to receive from");
        }
        Invite invite = Invite.parse(args.operands().getFirst());
        Set<String> wanted = new LinkedHashSet<>(args.operands().subList(1, args.operands().size()));
        Path folder;
        try {
            folder = Path.of(args.option("out", "."));
        } catch (InvalidPathException e) {
            throw new CliException(ExitCode.USAGE, LocalNames.unnameable(args.option("out", ".")));
        }
        Duration grace = grace(args);

        ServerApi api = new ServerApi(invite.server(), Main.trust(args, invite.server()));
        Membership me = api.join(invite.sessionId(), invite.joinCode());
        SessionKeys keys = invite.keys();
        List<RemoteFile> files = new ArrayList<>();
        for (RemoteFile file : api.listFiles(me)) {
            if (wanted.isEmpty() || wanted.stream().anyMatch(name -> names(name, file))) {
                files.add(file);
            }
        }
        for (String name : wanted) {
            if (files.stream().noneMatch(f -> names(name, f))) {
                throw new CliException(ExitCode.USAGE, "the session has no file or folder named \"" + TerminalText.visible(name) + "\"");
            }
        }
        if (files.isEmpty()) {
            throw new CliException(ExitCode.TRANSFER_FAILED,
                    "the session \"" + TerminalText.visible(me.sessionName()) + "\" has no files yet");
        }
        if (files.stream().mapToLong(RemoteFile::size).sum() >= ChunkCipher.WARM_UP_WORTH) {
            ChunkCipher.warmUpInBackground(); // while the first requests wait for their offers
        }

        // made only now, so a refused invite leaves no empty folder behind
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new CliException(ExitCode.LOCAL_IO, "cannot create the output folder " + folder + " ("
                    + e.getClass().getSimpleName().replace("Exception", "") + ": " + e.getMessage() + ")");
        }
        if (!Files.isWritable(folder)) {
            throw new CliException(ExitCode.LOCAL_IO, "cannot write into " + folder);
        }
        Receiver receiver = new Receiver(api, me, keys, folder, grace, args.flag("pace"));
        DownloadPool pool = new DownloadPool(receiver, out, err);
        // Ctrl-C: the parts stay for the next run; say so (the JVM runs this hook on SIGINT and SIGTERM)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (pool.running() > 0) {
                err.println("\ndrag-n-share: stopped; what was received is kept hidden in " + folder
                        + ": run the same command again to resume");
            }
        }, "say-part-kept"));
        CliException failure;
        try (receiver) { // its member socket, if paced downloads opened one
            if (files.size() == 1) {
                failure = pool.run(files, () -> new ProgressBar(err, terminal));
            } else {
                TotalProgress total = new TotalProgress(err, terminal, files.size(), files.stream().mapToLong(RemoteFile::size).sum());
                failure = pool.run(files, total::forFile);
                total.end();
            }
        }
        if (failure != null && failure.exitCode() == ExitCode.TAMPERED && pool.linkSuspect()) {
            throw new CliException(ExitCode.TAMPERED, "stopped, nothing more was saved"); // the line above named the link
        }
        if (failure != null && failure.exitCode() == ExitCode.TAMPERED) {
            // the line above said what failed
            throw new CliException(ExitCode.TAMPERED, "stopped, nothing more was saved. If you typed or "
                    + "copied the link by hand, check that it is complete (everything after # is the key); "
                    + "otherwise someone between you and the sharer altered the transfer");
        }
        if (failure != null) {
            throw new CliException(failure.exitCode(), "some files were not received");
        }
    }

    /** How long a dropped download waits for the sharer to come back: --wait SECONDS. */
    private static Duration grace(Arguments args) throws CliException {
        String text = args.option("wait", Long.toString(Receiver.DEFAULT_GRACE.toSeconds()));
        try {
            long seconds = Long.parseLong(text);
            if (seconds >= 0 && seconds <= 7 * 24 * 3600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new CliException(ExitCode.USAGE, "--wait takes seconds, from 0 to 604800, not \"" + TerminalText.visible(text) + "\"");
    }

    /** Whether {@code name} on the command line names {@code file}: its whole name, or a folder it is in. */
    private static boolean names(String name, RemoteFile file) {
        String folder = name.endsWith("/") ? name : name + "/";
        return file.name().equals(name) || file.name().startsWith(folder);
    }
}
