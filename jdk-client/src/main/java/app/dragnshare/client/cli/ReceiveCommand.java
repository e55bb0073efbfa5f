package app.dragnshare.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * {@code receive LINK [--out DIR] [NAME...]}: joins the session and downloads every file (or the
 * named ones) into DIR, one after another. Exits 0 only when every file arrived whole and verified.
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
        ChunkCipher.warmUpInBackground(); // while we talk to the server
        Invite invite = Invite.parse(args.operands().getFirst());
        Set<String> wanted = new LinkedHashSet<>(args.operands().subList(1, args.operands().size()));
        Path folder = Path.of(args.option("out", "."));

        ServerApi api = new ServerApi(invite.server(), Main.trust(args, invite.server()));
        Membership me = api.join(invite.sessionId(), invite.joinCode());
        SessionKeys keys = invite.keys();
        List<RemoteFile> files = new ArrayList<>();
        for (RemoteFile file : api.listFiles(me)) {
            if (wanted.isEmpty() || wanted.contains(file.name())) {
                files.add(file);
            }
        }
        for (String name : wanted) {
            if (files.stream().noneMatch(f -> f.name().equals(name))) {
                throw new CliException(ExitCode.USAGE, "the session has no file named \"" + TerminalText.visible(name) + "\"");
            }
        }
        if (files.isEmpty()) {
            throw new CliException(ExitCode.TRANSFER_FAILED,
                    "the session \"" + TerminalText.visible(me.sessionName()) + "\" has no files yet");
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
        Receiver receiver = new Receiver(api, me, keys, folder);
        CliException firstFailure = null;
        for (RemoteFile file : files) {
            try {
                Path saved = receiver.download(file, new ProgressBar(err, terminal));
                out.println(saved);
            } catch (Exception e) {
                CliException failure = Failures.of(e);
                err.println("drag-n-share: " + TerminalText.visible(file.name()) + ": " + failure.getMessage());
                if (failure.exitCode() == ExitCode.TAMPERED) {
                    // a tampering relay is not to be trusted with the rest either; the line above said what failed
                    throw new CliException(ExitCode.TAMPERED, "stopped, nothing more was saved. If you typed or "
                            + "copied the link by hand, check that it is complete (everything after # is the key); "
                            + "otherwise someone between you and the sharer altered the transfer");
                }
                if (firstFailure == null) {
                    firstFailure = failure;
                }
            }
        }
        if (firstFailure != null) {
            throw new CliException(firstFailure.exitCode(), "some files were not received");
        }
    }
}
