package app.dragnshare.client.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The unambiguous byte string that HMAC and HKDF inputs are made of: each field is its length
 * as a 4-byte big-endian integer followed by its bytes, so no two field lists encode alike.
 * Numbers are 8-byte big-endian fields; text is UTF-8.
 */
public final class Transcript {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public static Transcript of(String label) {
        return new Transcript().add(label);
    }

    public Transcript add(byte[] field) {
        int n = field.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(field);
        return this;
    }

    public Transcript add(String field) {
        return add(field.getBytes(StandardCharsets.UTF_8));
    }

    public Transcript add(long number) {
        byte[] field = new byte[8];
        for (int i = 0; i < 8; i++) {
            field[i] = (byte) (number >>> (56 - 8 * i));
        }
        return add(field);
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }
}
