package app.dragnshare.client.cli;

/** What the process's exit status means; scripts can rely on these. */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "unexpected failure"),
    USAGE(2, "wrong arguments"),
    BAD_INVITE(3, "the invite link is malformed, its session ended or its join code was changed"),
    UNREACHABLE(4, "the server cannot be reached"),
    DENIED(5, "the server refused access (token, too many attempts from this address)"),
    TAMPERED(6, "tampering detected: a key, offer or chunk failed its integrity check"),
    TRANSFER_FAILED(7, "the transfer failed: the sharer went away, went offline or cancelled"),
    LOCAL_IO(8, "a local file could not be read or written"),
    UNTRUSTED_SERVER(9, "the server's HTTPS certificate is not trusted, or not the one given with --trust-fingerprint");

    private final int status;
    private final String meaning;

    ExitCode(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    public int status() {
        return status;
    }

    public String meaning() {
        return meaning;
    }
}
