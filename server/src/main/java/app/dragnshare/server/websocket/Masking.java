package app.dragnshare.server.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * RFC 6455 §5.3 unmasking as a copy, eight bytes at a time: each payload byte {@code i} is XORed
 * with byte {@code i % 4} of the frame's 4-byte key. The key repeats every 4 bytes, so one long
 * holds it twice, rotated to where in the payload a copy starts.
 */
final class Masking {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Masking() {
    }

    /**
     * Copies {@code length} masked bytes from {@code from[fromOffset..]} to {@code to[toOffset..]},
     * unmasked. {@code key} is the masking key as sent (its first byte in the high 8 bits);
     * {@code payloadPosition} is how far into the frame's payload the first byte is. The arrays may
     * be the same (unmasking in place).
     */
    static void unmaskCopy(byte[] from, int fromOffset, byte[] to, int toOffset, int length, int key, long payloadPosition) {
        int rotated = Integer.rotateLeft(key, 8 * (int) (payloadPosition & 3)); // key byte for the first byte on top
        int little = Integer.reverseBytes(rotated); // ...and lowest, as a little-endian load sees it
        long mask = (little & 0xFFFF_FFFFL) | ((long) little << 32);
        int i = 0;
        for (int end = length - 7; i < end; i += 8) {
            LONGS.set(to, toOffset + i, (long) LONGS.get(from, fromOffset + i) ^ mask);
        }
        for (; i < length; i++) {
            to[toOffset + i] = (byte) (from[fromOffset + i] ^ (mask >>> (8 * (i & 3))));
        }
    }
}
