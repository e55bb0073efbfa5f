package app.dragnshare.client.crypto;

/**
 * Something that crossed the server was not what the other member sent: a key whose HMAC does
 * not verify, a chunk that does not decrypt, a chunk out of order. The transfer must stop.
 */
public final class TamperingException extends Exception {
    public TamperingException(String message) {
        super(message);
    }
}
