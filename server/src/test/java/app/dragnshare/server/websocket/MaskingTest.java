package app.dragnshare.server.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.testing.Fuzz;

/** Bulk unmasking gives exactly what RFC 6455's byte-by-byte definition gives, at every offset and phase. */
class MaskingTest {

    private static byte[] byByte(byte[] masked, int from, int length, byte[] key, long position) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (masked[from + i] ^ key[(int) ((position + i) & 3)]);
        }
        return out;
    }

    @Test
    void everyLengthOffsetAndPhaseMatchesTheDefinition() {
        Random random = Fuzz.random("masking");
        byte[] masked = new byte[200];
        random.nextBytes(masked);
        for (int round = 0; round < 20; round++) {
            byte[] key = new byte[4];
            random.nextBytes(key);
            int keyInt = ((key[0] & 0xFF) << 24) | ((key[1] & 0xFF) << 16) | ((key[2] & 0xFF) << 8) | (key[3] & 0xFF);
            for (int length = 0; length <= 40; length++) {
                for (int from = 0; from < 9; from++) {
                    for (long position = 0; position < 8; position++) {
                        byte[] to = new byte[length + 11];
                        Masking.unmaskCopy(masked, from, to, 3, length, keyInt, position);
                        assertArrayEquals(byByte(masked, from, length, key, position), Arrays.copyOfRange(to, 3, 3 + length),
                                "length " + length + " from " + from + " position " + position);
                    }
                }
            }
        }
    }

    @Test
    void inPlaceAndLargeCopiesMatchTheDefinition() {
        Random random = Fuzz.random("masking-large");
        byte[] masked = new byte[1 << 20];
        random.nextBytes(masked);
        byte[] key = {(byte) 0x81, 0x7f, 0x00, (byte) 0xff};
        byte[] expected = byByte(masked, 5, masked.length - 5, key, 1);
        byte[] copy = masked.clone();
        Masking.unmaskCopy(copy, 5, copy, 5, copy.length - 5, 0x817f00ff, 1);
        assertArrayEquals(expected, Arrays.copyOfRange(copy, 5, copy.length));
    }
}
