package app.dragnshare.client.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The background warm-up runs to its end without failing (its speed effect is measured in benchmarks/). */
class ChunkCipherWarmUpTest {
    @Test
    void warmUpFinishes() throws Exception {
        Thread warmUp = ChunkCipher.warmUpInBackground();
        warmUp.join(60_000);
        assertFalse(warmUp.isAlive(), "the warm-up ends by itself");
    }
}
