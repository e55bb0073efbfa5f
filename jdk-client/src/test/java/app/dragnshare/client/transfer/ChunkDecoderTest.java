package app.dragnshare.client.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import app.dragnshare.client.Fuzz;

import org.junit.jupiter.api.Test;

class ChunkDecoderTest {

    @Test
    void decodesAnyLengthFromTheMiddleOfABufferAsTheJdkDoes() {
        ChunkDecoder decoder = new ChunkDecoder();
        int[] lengths = {0, 1, 2, 3, 3071, 3072, 3073, 6144, 262_144 + 16, 100_000 + 16, 1 << 20};
        for (int attempt = 0; attempt < 200; attempt++) {
            Random random = Fuzz.random("decodesAnyLengthFromTheMiddleOfABufferAsTheJdkDoes", attempt);
            byte[] plain = new byte[attempt < lengths.length ? lengths[attempt] : random.nextInt(20_000)];
            random.nextBytes(plain);
            byte[] text = Base64.getEncoder().encode(plain);
            byte[] buffer = new byte[text.length + 20];
            System.arraycopy(text, 0, buffer, 7, text.length);
            byte[] into = new byte[plain.length + 5];
            int n = decoder.decode(buffer, 7, text.length, into);
            assertEquals(plain.length, n, "attempt " + attempt);
            assertArrayEquals(plain, Arrays.copyOf(into, n), "attempt " + attempt);
        }
    }

    @Test
    void refusesWhatTheJdkRefusesAndPaddingInsideAndWhatDoesNotFit() {
        ChunkDecoder decoder = new ChunkDecoder();
        byte[] text = Base64.getEncoder().encode(new byte[9_000]);
        byte[] into = new byte[9_000];
        byte[] bad = text.clone();
        bad[5_000] = '*';
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(bad, 0, bad.length, into));
        byte[] padded = text.clone();
        padded[4_094] = '=';
        padded[4_095] = '=';
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(padded, 0, padded.length, into));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(text, 0, text.length, new byte[8_999]));
    }
}
