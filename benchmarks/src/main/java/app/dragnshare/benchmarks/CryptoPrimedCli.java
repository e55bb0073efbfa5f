package app.dragnshare.benchmarks;

import app.dragnshare.client.crypto.ChunkCipher;
import app.dragnshare.client.crypto.TamperingException;

/**
 * An experiment, not the product: the jdk-client's own {@code Main}, started after a few thousand
 * seals and opens of 4 KiB. AES-GCM's per-chunk methods run once per 256 KiB chunk, fewer times
 * than C2 needs to compile them, so a fresh CLI runs GCM without its CPU intrinsics for a whole
 * gigabyte; priming gets them compiled first. {@code EndToEnd --prime-client-crypto} runs both
 * CLIs this way to measure what such a change in the client would gain.
 */
public final class CryptoPrimedCli {
    private CryptoPrimedCli() {
    }

    public static void main(String[] args) throws TamperingException {
        ChunkCipher cipher = new ChunkCipher(new byte[32], "cHJpbWluZy10aGUtaml0LTAx");
        byte[] plain = new byte[4096];
        byte[] sealed = new byte[plain.length + ChunkCipher.TAG_LENGTH];
        for (int i = 0; i < PRIMING_CALLS; i++) {
            cipher.seal(i, false, plain, 0, plain.length, sealed, 0);
            cipher.open(i, false, sealed, 0, sealed.length, plain, 0);
        }
        app.dragnshare.client.cli.Main.main(args);
    }

    /** Above C2's invocation threshold (5,000 with tiered compilation) for the per-chunk GCM methods. */
    static final int PRIMING_CALLS = 12_000;
}
