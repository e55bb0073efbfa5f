package app.dragnshare.client.cli;

/** Ends the command with a one-line message and an exit code. */
public final class CliException extends Exception {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
