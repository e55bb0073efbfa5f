package app.dragnshare.client.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * ECDH on NIST P-256 with public keys in the uncompressed form WebCrypto calls "raw":
 * {@code 0x04 || X || Y}, 65 bytes. Every key from the network is checked to be a point on the
 * curve before it is used, so an invalid-curve key never reaches the key agreement.
 */
public final class P256 {
    public static final int PUBLIC_KEY_LENGTH = 65;
    private static final int COORDINATE_LENGTH = 32;
    private static final ECParameterSpec PARAMS = curveParameters();
    private static final BigInteger P = new BigInteger(
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger B = new BigInteger(
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);

    private P256() {
    }

    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(PARAMS);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is missing from this JDK", e);
        }
    }

    public static byte[] encode(PublicKey key) {
        ECPoint w = ((ECPublicKey) key).getW();
        byte[] raw = new byte[PUBLIC_KEY_LENGTH];
        raw[0] = 0x04;
        writeCoordinate(w.getAffineX(), raw, 1);
        writeCoordinate(w.getAffineY(), raw, 1 + COORDINATE_LENGTH);
        return raw;
    }

    /** Decodes and validates a raw public key; rejects anything that is not a point on P-256. */
    public static PublicKey decode(byte[] raw) throws TamperingException {
        if (raw.length != PUBLIC_KEY_LENGTH || raw[0] != 0x04) {
            throw new TamperingException("public key is not an uncompressed P-256 point (65 bytes starting 0x04)");
        }
        BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 1, 1 + COORDINATE_LENGTH));
        BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 1 + COORDINATE_LENGTH, PUBLIC_KEY_LENGTH));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            throw new TamperingException("public key coordinate is not below the field prime");
        }
        // y^2 = x^3 - 3x + b (mod p)
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
        if (!left.equals(right)) {
            throw new TamperingException("public key is not a point on P-256");
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new TamperingException("public key was refused: " + e.getMessage());
        }
    }

    /** The ECDH shared secret: the X coordinate of the shared point, 32 bytes (as WebCrypto's deriveBits 256). */
    public static byte[] sharedSecret(PrivateKey own, PublicKey peer) {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(own);
            agreement.doPhase(peer, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDH failed on a validated key", e);
        }
    }

    public static ECParameterSpec parameters() {
        return PARAMS;
    }

    private static void writeCoordinate(BigInteger value, byte[] target, int offset) {
        byte[] bytes = value.toByteArray();
        // toByteArray may carry a leading sign byte or be shorter than 32 bytes
        int copy = Math.min(bytes.length, COORDINATE_LENGTH);
        System.arraycopy(bytes, bytes.length - copy, target, offset + COORDINATE_LENGTH - copy, copy);
    }

    private static ECParameterSpec curveParameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is missing from this JDK", e);
        }
    }
}
