package app.dragnshare.client.cli;

/** What the process's exit status means; scripts can rely on these. */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "unexpected failure"),
    USAGE(2, "wrong arguments"),
    BAD_INVITE(3, "the invite link is malformed or its join code is wrong, or its session ended or expired"),
    UNREACHABLE(4, "the server cannot be reached"),
    DENIED(5, "the server refused access (token, too many attempts from this address)"),
    TAMPERED(6, "an integrity check failed: a key, offer or chunk, or the sharer could not verify our request (most often an incomplete or mistyped link)"),
    TRANSFER_FAILED(7, "the transfer failed: the sharer went away, went offline or cancelled, or stayed away longer than --wait (receive keeps the part: run it again to resume)"),
    LOCAL_IO(8, "a local file could not be read or written"),
    NOT_DELIVERED(9, "send --once: a download ended without the receiver's verified receipt, so the file is not known to be delivered"),
    UNTRUSTED_SERVER(10, "the server's HTTPS certificate is not trusted, or not the one given with --trust-fingerprint");

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
