package app.dragnshare.client.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over the chunks of one transfer. The nonce is the chunk index (never random,
 * never reused under one key, since each transfer has its own key); the AAD binds the transfer,
 * the index and whether this is the last chunk, so a reordered, dropped, duplicated or truncated
 * stream fails to decrypt. One instance per transfer and direction; not thread-safe.
 */
public final class ChunkCipher {
    public static final int TAG_LENGTH = 16;
    /** Bytes to move from which {@link #warmUpInBackground()} pays: 16 MiB take about half a second cold. */
    public static final long WARM_UP_WORTH = 16L << 20;
    private static final int NONCE_LENGTH = 12;

    private final SecretKeySpec key;
    private final byte[] aadPrefix;
    private final byte[] aad;
    private final Cipher cipher;

    public ChunkCipher(byte[] chunkKey, String transferId) {
        this.key = new SecretKeySpec(chunkKey, "AES");
        this.aadPrefix = Transcript.of("dns/v1 chunk").add(transferId).toBytes();
        this.aad = new byte[aadPrefix.length + 5];
        System.arraycopy(aadPrefix, 0, aad, 0, aadPrefix.length);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JDK", e);
        }
    }

    /** Encrypts {@code length} bytes of {@code in} into {@code out} at {@code outOffset}; returns the ciphertext length. */
    public int seal(long index, boolean last, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        try {
            init(Cipher.ENCRYPT_MODE, index, last);
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public byte[] seal(long index, boolean last, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        seal(index, last, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /** Decrypts in place-free fashion into {@code out}; returns the plaintext length. */
    public int open(long index, boolean last, byte[] in, int inOffset, int length, byte[] out, int outOffset)
            throws TamperingException {
        if (length < TAG_LENGTH) {
            throw new TamperingException("chunk " + index + " is shorter than its authentication tag");
        }
        try {
            init(Cipher.DECRYPT_MODE, index, last);
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (AEADBadTagException e) {
            throw new TamperingException("chunk " + index + " does not decrypt: it was altered, reordered or truncated");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    public byte[] open(long index, boolean last, byte[] ciphertext) throws TamperingException {
        byte[] out = new byte[Math.max(0, ciphertext.length - TAG_LENGTH)];
        open(index, last, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    /**
     * Gets AES-GCM's fast path compiled before real chunks arrive. The JDK uses the CPU's AES and
     * carry-less-multiply instructions only from JIT-compiled callers, and one call per 256 KiB
     * chunk is too rare for a short-lived CLI to ever get there: measured on a fresh JVM, the first
     * 64 MiB decrypt at ~32 MB/s without this and at over 1 GB/s after it. Twelve thousand tiny
     * seal-and-open rounds (about half a second on one core) cross the compile thresholds; a
     * command starts this in the background while it talks to the server, when a transfer will
     * move at least {@link #WARM_UP_WORTH} bytes: below that, the cold path costs less than this
     * (many small files get the same code compiled by their own calls).
     */
    public static Thread warmUpInBackground() {
        return Thread.ofPlatform().daemon().name("crypto-warm-up").start(() -> {
            ChunkCipher cipher = new ChunkCipher(new byte[32], "warm-up");
            byte[] plain = new byte[1024];
            byte[] sealed = new byte[plain.length + TAG_LENGTH];
            try {
                for (int i = 0; i < 12_000; i++) {
                    cipher.seal(i, false, plain, 0, plain.length, sealed, 0);
                    cipher.open(i, false, sealed, 0, sealed.length, plain, 0);
                }
            } catch (TamperingException e) {
                throw new IllegalStateException("AES-GCM failed on its own output", e);
            }
        });
    }

    /** The 12-byte nonce of chunk {@code index}: four zero bytes, then the index as 8 bytes big-endian. */
    public static byte[] nonce(long index) {
        byte[] nonce = new byte[NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (index >>> (56 - 8 * i));
        }
        return nonce;
    }

    /** The AAD of chunk {@code index}: Transcript("dns/v1 chunk", transferId) || index (4 bytes BE) || last (1 byte). */
    public byte[] aad(long index, boolean last) {
        fillAad(index, last);
        return aad.clone();
    }

    private void init(int mode, long index, boolean last) throws GeneralSecurityException {
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce(index)));
        fillAad(index, last);
        cipher.updateAAD(aad);
    }

    private void fillAad(long index, boolean last) {
        if (index < 0 || index > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("chunk index out of range: " + index);
        }
        int p = aadPrefix.length;
        aad[p] = (byte) (index >>> 24);
        aad[p + 1] = (byte) (index >>> 16);
        aad[p + 2] = (byte) (index >>> 8);
        aad[p + 3] = (byte) index;
        aad[p + 4] = (byte) (last ? 1 : 0);
    }
}
