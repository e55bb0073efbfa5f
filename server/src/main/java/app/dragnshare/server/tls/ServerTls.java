package app.dragnshare.server.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;

import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.data.DataDir;

/**
 * The HTTPS the server speaks itself: Helidon's TLS over a certificate chain and key read from
 * PEM by Helidon's own reader, from TLS_CERT_FILE and TLS_KEY_FILE or from the self-signed pair
 * kept in DATA_DIR. Every problem with the files is one line at startup that says what to fix.
 *
 * @param tls         what the listener is given
 * @param certificate the server's own certificate (the chain's first)
 * @param selfSigned  the DATA_DIR certificate, with the names it covers; empty for TLS_CERT_FILE
 */
public record ServerTls(Tls tls, X509Certificate certificate, Optional<SelfSignedCertificate> selfSigned) {

    /** The configured TLS, if any; {@code data} is present when TLS_SELF_SIGNED needs it. */
    public static Optional<ServerTls> of(ServerConfig config, Optional<DataDir> data) {
        if (config.tlsSelfSigned()) {
            SelfSignedCertificate kept = SelfSignedCertificate.kept(data.orElseThrow(), config.host());
            return Optional.of(load(kept.certFile(), kept.keyFile(), "the self-signed certificate in " + kept.certFile().getParent(),
                    Optional.of(kept)));
        }
        return config.tlsCertFile().map(cert -> load(cert, config.tlsKeyFile().orElseThrow(), "TLS_CERT_FILE/TLS_KEY_FILE",
                Optional.empty()));
    }

    /** SHA-256 of the server's certificate, as browsers and {@code --trust-fingerprint} show it: AB:CD:… */
    public String fingerprint() {
        return fingerprint(certificate);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 of the certificate: " + e.getMessage(), e);
        }
    }

    private static ServerTls load(Path certFile, Path keyFile, String source, Optional<SelfSignedCertificate> selfSigned) {
        requireReadable(certFile, "TLS_CERT_FILE");
        requireReadable(keyFile, "TLS_KEY_FILE");
        PrivateKey key;
        List<X509Certificate> chain;
        try {
            Keys keys = Keys.builder()
                    .pem(pem -> pem.key(Resource.create(keyFile)).certChain(Resource.create(certFile)))
                    .build();
            key = keys.privateKey().orElseThrow(() -> new ConfigException(keyFile + " holds no private key"));
            chain = keys.certChain();
        } catch (RuntimeException e) { // Helidon's PkiException (and the JDK's beneath it) say what was wrong with the PEM
            if (e instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException("cannot read " + source + ": " + causes(e) + ". The certificate must be PEM "
                    + "(BEGIN CERTIFICATE, the server's own first) and the key unencrypted PEM PKCS#8 (BEGIN PRIVATE KEY) "
                    + "or RSA PKCS#1; convert another key with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8`");
        }
        if (chain.isEmpty()) {
            throw new ConfigException(certFile + " holds no certificate");
        }
        requireMatch(key, chain.getFirst(), source);
        Tls tls = Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
        return new ServerTls(tls, chain.getFirst(), selfSigned);
    }

    /** A key that does not belong to the certificate fails every handshake with a cryptic alert: say so now. */
    private static void requireMatch(PrivateKey key, X509Certificate certificate, String source) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // an unusual key type: the handshake is the test
        }
        byte[] probe = "drag-n-share key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new ConfigException(source + ": the private key does not belong to the certificate (the first one in the "
                    + "certificate file must be the server's own)");
        }
    }

    private static void requireReadable(Path file, String setting) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(setting + " " + file.toAbsolutePath() + " is not a readable file");
        }
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(text.isEmpty() ? "" : ": ").append(t.getMessage());
            }
        }
        return text.isEmpty() ? e.getClass().getSimpleName() : text.toString();
    }
}
