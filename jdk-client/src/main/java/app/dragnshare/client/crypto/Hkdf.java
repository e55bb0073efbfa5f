package app.dragnshare.client.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA-256 (RFC 5869). {@code javax.crypto.KDF} is final only from JDK 25 and this client
 * targets 21, so the two steps are written out on {@link Mac}.
 */
public final class Hkdf {
    private static final int HASH_LENGTH = 32;

    private Hkdf() {
    }

    public static byte[] sha256(byte[] inputKey, byte[] salt, byte[] info, int length) {
        if (length <= 0 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output length out of range: " + length);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // RFC 5869 2.2: an absent salt is a string of HashLen zeros
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_LENGTH] : salt, "HmacSHA256"));
            byte[] pseudoRandomKey = mac.doFinal(inputKey);

            mac.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
            byte[] output = new byte[length];
            byte[] block = new byte[0];
            for (int offset = 0, counter = 1; offset < length; counter++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) counter);
                block = mac.doFinal();
                int n = Math.min(block.length, length - offset);
                System.arraycopy(block, 0, output, offset, n);
                offset += n;
            }
            return output;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
