package app.dragnshare.client.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** Keys from the network are checked before any ECDH: only real points on P-256 pass. */
class P256Test {
    private static final String P = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

    @Test
    void encodeDecodeRoundTrips() throws Exception {
        TransferKeys keys = new TransferKeys();
        assertArrayEquals(keys.publicKey(), P256.encode(P256.decode(keys.publicKey())));
    }

    @Test
    void rejectsWrongLengthsAndPrefixes() {
        byte[] valid = new TransferKeys().publicKey();
        assertThrows(TamperingException.class, () -> P256.decode(new byte[0]));
        assertThrows(TamperingException.class, () -> P256.decode(new byte[] {0}), "the point at infinity");
        assertThrows(TamperingException.class, () -> P256.decode(java.util.Arrays.copyOf(valid, 64)));
        assertThrows(TamperingException.class, () -> P256.decode(java.util.Arrays.copyOf(valid, 66)));
        byte[] compressedPrefix = valid.clone();
        compressedPrefix[0] = 0x02;
        assertThrows(TamperingException.class, () -> P256.decode(compressedPrefix));
    }

    @Test
    void rejectsPointsOffTheCurve() {
        byte[] key = new TransferKeys().publicKey();
        key[64] ^= 1;
        assertThrows(TamperingException.class, () -> P256.decode(key));
        byte[] zeros = new byte[65];
        zeros[0] = 4;
        assertThrows(TamperingException.class, () -> P256.decode(zeros), "(0,0) is not on the curve");
    }

    @Test
    void rejectsCoordinatesAtOrAboveTheFieldPrime() {
        byte[] key = new TransferKeys().publicKey();
        byte[] p = HexFormat.of().parseHex(P);
        System.arraycopy(p, 0, key, 1, 32);
        assertThrows(TamperingException.class, () -> P256.decode(key));
        byte[] xPlusP = new TransferKeys().publicKey();
        BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(xPlusP, 1, 33)).add(new BigInteger(P, 16));
        if (x.bitLength() <= 256) { // x + p still fits: the same point in disguise must be refused
            byte[] bytes = x.toByteArray();
            System.arraycopy(bytes, bytes.length - 32, xPlusP, 1, 32);
            assertThrows(TamperingException.class, () -> P256.decode(xPlusP));
        }
    }

    @Test
    void bothSidesAgreeOnTheChunkKeyAndTheReceiptKey() throws Exception {
        SessionKeys session = SessionKeys.derive("session", SessionKeys.newSecret());
        TransferKeys receiver = new TransferKeys();
        TransferKeys sender = new TransferKeys();
        TransferKeys.Agreed forReceiver = receiver.agree(session, "t", sender.publicKey(), true);
        TransferKeys.Agreed forSender = sender.agree(session, "t", receiver.publicKey(), false);
        byte[] plaintext = "hello".getBytes();
        assertArrayEquals(plaintext, forReceiver.cipher().open(0, true, forSender.cipher().seal(0, true, plaintext)));
        assertArrayEquals(forSender.receiptKey(), forReceiver.receiptKey(), "both sides derive one receipt key");
    }
}
