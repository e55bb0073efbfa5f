package app.dragnshare.client.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import app.dragnshare.client.api.ServerTrust;

/**
 * {@code java -jar jdk-client.jar send FILE... | receive LINK}. Results go to stdout (the invite
 * link, the saved paths), everything for people to stderr, and the exit code says what happened.
 */
public final class Main {
    static final String DEFAULT_SERVER = "http://localhost:8080";
    static final String TRUST = "trust-fingerprint";
    private static final String USAGE = """
            usage: drag-n-share send [--server URL] [--join LINK] [--once] [--trust-fingerprint SHA256] FILE|DIR...
                   drag-n-share receive LINK [--out DIR] [--wait SECONDS] [--pace] [--trust-fingerprint SHA256] [NAME...]

              send     shares FILEs, and every file below each DIR with its path (symbolic
                       links inside a DIR are not followed): prints the invite link on stdout
                       and serves downloads until Ctrl-C (--once: until the receiver confirmed
                       each file once; "sent" is printed for a file only when the receiver's
                       receipt verified).
                       --server  the server to use (default $DRAGNSHARE_SERVER or %s)
                       --join    add the files to an existing session instead of a new one
              receive  downloads every file of the invite (or only the NAMEs; a NAME may be
                       a folder) into DIR (default: the current folder), recreating their
                       folders inside DIR, verified; never overwrites, never follows a link.
                       A dropped download waits up to --wait seconds (default 120) for the
                       sharer and goes on where it stopped; run again after a stop to resume.
                       A resumed download is paced, so a further stop costs about one chunk
                       again, not what the sockets held; --pace: every download, from the
                       start (for slow or flaky links: it costs a fast link some speed).
              --trust-fingerprint  for an https:// server with a self-signed certificate: accept
                       exactly the certificate with this SHA-256 (the server prints it at
                       startup) instead of the ones this Java trusts.

            exit codes: %s""";

    private Main() {
    }

    public static void main(String[] args) {
        // HttpClient reads the socket into buffers of this size (16 KiB by default); a download's
        // event stream in 256 KiB reads cost the receiver a third less CPU (benchmarks/README.md)
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.contains("--help") || list.contains("-h")) {
            (list.isEmpty() ? err : out).println(usage());
            return list.isEmpty() ? ExitCode.USAGE.status() : ExitCode.OK.status();
        }
        try {
            List<String> rest = list.subList(1, list.size());
            switch (list.getFirst()) {
                case "send" -> new SendCommand(out, err).run(Arguments.parse(rest, Set.of("server", "join", TRUST), Set.of("once")));
                case "receive" -> new ReceiveCommand(out, err, isTerminal())
                        .run(Arguments.parse(rest, Set.of("out", "wait", TRUST), Set.of("pace")));
                default -> throw new CliException(ExitCode.USAGE, "unknown command '" + list.getFirst() + "'\n" + usage());
            }
            return ExitCode.OK.status();
        } catch (InterruptedException e) {
            return ExitCode.FAILURE.status();
        } catch (Exception e) {
            CliException failure = Failures.of(e);
            err.println("drag-n-share: " + failure.getMessage());
            return failure.exitCode().status();
        }
    }

    /**
     * How the HTTPS certificate of {@code server} is checked: the JDK's way, or the fingerprint
     * given with --trust-fingerprint (only for an https:// server).
     */
    static ServerTrust trust(Arguments args, URI server) throws CliException {
        if (!args.options().containsKey(TRUST)) {
            return ServerTrust.jdkDefault();
        }
        if (!"https".equalsIgnoreCase(server.getScheme())) {
            throw new CliException(ExitCode.USAGE, "--trust-fingerprint is for https:// servers; " + server + " is not one");
        }
        try {
            return ServerTrust.pinned(args.option(TRUST, ""));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }

    static String serverUrl(Arguments args) {
        String env = System.getenv("DRAGNSHARE_SERVER");
        return args.option("server", env == null || env.isBlank() ? DEFAULT_SERVER : env);
    }

    private static String usage() {
        StringBuilder codes = new StringBuilder();
        for (ExitCode code : ExitCode.values()) {
            codes.append("\n  ").append(code.status()).append("  ").append(code.meaning());
        }
        return USAGE.formatted(DEFAULT_SERVER, codes);
    }

    /** Whether stderr is a terminal (progress redraws in place); System.console() is the portable test. */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when redirected; isTerminal() tells the truth there
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
