package app.dragnshare.client.transfer;

/** A transfer that ended without its whole file: the server's error code and message. */
public final class TransferFailedException extends Exception {
    private final String code;

    public TransferFailedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
