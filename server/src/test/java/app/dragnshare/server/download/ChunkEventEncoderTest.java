package app.dragnshare.server.download;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A chunk event is exactly "event: chunk / id / data: base64 / blank line", whatever the chunk's length and offset. */
class ChunkEventEncoderTest {

    @Test
    void everyLengthAroundThePieceBoundariesEncodesLikeTheJdk() {
        Random random = new Random(10);
        ChunkEventEncoder encoder = new ChunkEventEncoder();
        // one encoder reused across lengths that grow, shrink and repeat, as a pool lends it
        int[] lengths = {16, 1, 2, 3, 12287, 12288, 12289, 24576, 262160, 262160, 17, 262160 + 5,
            3 * 12288 + 2, 1024 * 1024 + 16, 4112, 16};
        long[] indexes = {0, 9, 10, 4095, Long.MAX_VALUE};
        for (int length : lengths) {
            int offset = random.nextInt(7);
            byte[] bytes = new byte[offset + length + 3];
            random.nextBytes(bytes);
            long index = length == 16 ? indexes[random.nextInt(indexes.length)] : random.nextInt(100_000);

            encoder.encode(index, bytes, offset, length);

            String expected = "event: chunk\nid: " + index + "\ndata: "
                    + Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, offset, offset + length)) + "\n\n";
            String actual = new String(encoder.event(), 0, encoder.eventLength(), StandardCharsets.US_ASCII);
            assertEquals(expected, actual, "length " + length + " at offset " + offset);
        }
    }
}
