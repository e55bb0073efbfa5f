package app.dragnshare.client.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Key pairs kept for several transfers (PROTOCOL.md §4.10): within their bounds only, never twice
 * for one transfer id at a sharer, and every transfer still gets keys of its own.
 */
class KeyReuseTest {
    private final SessionKeys session = SessionKeys.derive("session", SessionKeys.newSecret());

    @Test
    void aReceiverKeepsOnePairForItsRequestsUntilItHasServedItsShare() {
        KeyReuse reuse = new KeyReuse(3, KeyReuse.MAX_AGE);
        TransferKeys first = reuse.forRequest("t1");
        assertSame(first, reuse.forRequest("t2"));
        assertSame(first, reuse.forRequest("t3"));
        TransferKeys fourth = reuse.forRequest("t4");
        assertNotSame(first, fourth, "a pair serves at most maxTransfers requests");
        assertFalse(Arrays.equals(first.publicKey(), fourth.publicKey()));
        assertSame(fourth, reuse.forRequest("t5"));
    }

    @Test
    void aPairPastItsAgeIsNotUsedAgain() {
        KeyReuse reuse = new KeyReuse(KeyReuse.MAX_TRANSFERS, Duration.ZERO);
        assertNotSame(reuse.forRequest("t1"), reuse.forRequest("t2"));
        byte[] receiver = new TransferKeys().publicKey();
        assertNotSame(reuse.forOffer(receiver, "t1"), reuse.forOffer(receiver, "t2"));
    }

    @Test
    void aSharerAnswersOneReceiverKeyWithOnePairAndAnotherWithAnother() {
        KeyReuse reuse = new KeyReuse();
        byte[] alice = new TransferKeys().publicKey();
        byte[] bob = new TransferKeys().publicKey();
        TransferKeys forAlice = reuse.forOffer(alice, "a1");
        assertSame(forAlice, reuse.forOffer(alice, "a2"));
        TransferKeys forBob = reuse.forOffer(bob, "b1");
        assertNotSame(forAlice, forBob);
        assertSame(forAlice, reuse.forOffer(alice, "a3"));
    }

    /** A replayed request would get the chunk key of the first, so the same nonces: it gets a pair of its own. */
    @Test
    void aRepeatedTransferIdGetsAPairOfItsOwnAndAnotherChunkKey() throws Exception {
        KeyReuse sharer = new KeyReuse();
        TransferKeys receiver = new TransferKeys();
        TransferKeys first = sharer.forOffer(receiver.publicKey(), "t1");
        TransferKeys replayed = sharer.forOffer(receiver.publicKey(), "t1");
        assertNotSame(first, replayed);
        assertFalse(Arrays.equals(first.publicKey(), replayed.publicKey()));
        assertSame(first, sharer.forOffer(receiver.publicKey(), "t2"), "the kept pair still serves new ids");
        byte[] chunk = new byte[] {1, 2, 3};
        byte[] sealedFirst = first.agree(session, "t1", receiver.publicKey(), false).cipher().seal(0, true, chunk);
        byte[] sealedReplay = replayed.agree(session, "t1", receiver.publicKey(), false).cipher().seal(0, true, chunk);
        assertFalse(Arrays.equals(sealedFirst, sealedReplay), "the same chunk under the same nonce, but not the same key");
        assertFalse(first.claim("t1"), "a pair refuses an id it served");
    }

    @Test
    void transfersBetweenTwoKeptPairsEachHaveTheirOwnKeysAndBothSidesAgree() throws Exception {
        KeyReuse receiverSide = new KeyReuse();
        KeyReuse sharerSide = new KeyReuse();
        byte[] plain = "a small file".getBytes();
        byte[][] sealed = new byte[2][];
        String[] ids = {"transfer-1", "transfer-2"};
        for (int i = 0; i < 2; i++) {
            TransferKeys b = receiverSide.forRequest(ids[i]);
            TransferKeys a = sharerSide.forOffer(b.publicKey(), ids[i]);
            TransferKeys.Agreed atSharer = a.agree(session, ids[i], b.publicKey(), false);
            TransferKeys.Agreed atReceiver = b.agree(session, ids[i], a.publicKey(), true);
            sealed[i] = atSharer.cipher().seal(0, true, plain);
            assertArrayEquals(plain, atReceiver.cipher().open(0, true, sealed[i]));
            assertArrayEquals(atSharer.receiptKey(), atReceiver.receiptKey());
            if (i == 1) {
                // the first transfer's key does not open the second's chunk, though the pairs and z are the same
                TransferKeys.Agreed firstKeys = b.agree(session, ids[0], a.publicKey(), true);
                assertThrows(TamperingException.class, () -> firstKeys.cipher().open(0, true, sealed[1]));
            }
        }
        assertSame(receiverSide.forRequest("transfer-3"), receiverSide.forRequest("transfer-4"));
        assertFalse(Arrays.equals(sealed[0], sealed[1]), "same plaintext, nonce and pairs; different transfer keys");
    }

    @Test
    void anInvalidPeerKeyIsRefusedEveryTimeItComes() {
        TransferKeys own = new TransferKeys();
        byte[] bad = new TransferKeys().publicKey();
        bad[64] ^= 1;
        assertThrows(TamperingException.class, () -> own.agree(session, "t1", bad, true));
        assertThrows(TamperingException.class, () -> own.agree(session, "t2", bad, true), "never kept as if it were valid");
    }

    @Test
    void boundsBeyondTheSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeyReuse(KeyReuse.MAX_TRANSFERS + 1, KeyReuse.MAX_AGE));
        assertThrows(IllegalArgumentException.class, () -> new KeyReuse(1, KeyReuse.MAX_AGE.plusSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new KeyReuse(0, KeyReuse.MAX_AGE));
    }
}
