package app.dragnshare.client.api;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which HTTPS server the client accepts: by default the one the JDK accepts (its trust store and
 * host-name check, unchanged), or with {@code --trust-fingerprint} exactly the server whose own
 * certificate has that SHA-256, as for a self-signed LAN server. A pin is the whole identity
 * check (the certificate's names do not matter then); there is no "trust anything" mode.
 * Either way a refused certificate fails with an {@link UntrustedServerException} that says why
 * and shows the fingerprint the server presented.
 */
public final class ServerTrust {
    private static final HexFormat COLONS = HexFormat.ofDelimiter(":").withUpperCase();

    private final Optional<byte[]> pinned;

    private ServerTrust(Optional<byte[]> pinned) {
        this.pinned = pinned;
    }

    /** The JDK's own verification. */
    public static ServerTrust jdkDefault() {
        return new ServerTrust(Optional.empty());
    }

    /**
     * Only the server whose certificate has this SHA-256: 64 hex digits, with or without colons
     * or spaces, optionally after {@code SHA256:} (as the server prints it, or a browser shows it).
     */
    public static ServerTrust pinned(String fingerprint) {
        String hex = fingerprint.strip().replaceFirst("(?i)^sha-?256[:=]?", "").replaceAll("[:\\s]", "");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("--trust-fingerprint takes the SHA-256 fingerprint the server printed at "
                    + "startup: 64 hex digits, colons allowed (AB:CD:…)");
        }
        return new ServerTrust(Optional.of(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT))));
    }

    /** The pinned fingerprint as the server prints it (AB:CD:…), if there is one. */
    public Optional<String> pinnedFingerprint() {
        return pinned.map(COLONS::formatHex);
    }

    /**
     * The TLS context for the client's HttpClient (and so its WebSocket). The JDK's trust store is
     * read at the first handshake, not here: a run against an {@code http://} server never needs
     * it, and reading it (cacerts, ~150 certificates) was ~0.1 s of every command's start-up.
     */
    SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Checked()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Why the server was refused, if a TLS handshake failed on its certificate (anywhere in
     * {@code failure}'s causes), as an exception that says what to do.
     */
    static Optional<UntrustedServerException> refusal(Throwable failure, Object server) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Refused refused) {
                return Optional.of(new UntrustedServerException(refused.explain(server), failure));
            }
        }
        return Optional.empty();
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return COLONS.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509ExtendedTrustManager jdkTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** A certificate we refused: what the server presented and why. */
    private static final class Refused extends CertificateException {
        private final String presented;
        private final boolean pinMismatch;

        Refused(String message, String presented, boolean pinMismatch, Throwable cause) {
            super(message, cause);
            this.presented = presented;
            this.pinMismatch = pinMismatch;
        }

        String explain(Object server) {
            if (pinMismatch) {
                return "the server at " + server + " is not the one you named: its certificate's SHA-256 fingerprint is "
                        + presented + ", not the one given with --trust-fingerprint. Nothing was sent. Compare with the "
                        + "fingerprint that server printed at startup; if its certificate was renewed, use the new one";
            }
            return "the server at " + server + " has a certificate this Java does not trust (" + getMessage() + "). Nothing "
                    + "was sent. If it is a server with a self-signed certificate (TLS_SELF_SIGNED), compare its fingerprint "
                    + presented + " with the one it printed at startup, and if they match pass --trust-fingerprint "
                    + presented;
        }
    }

    /** The JDK's verification, or the pin instead of it; on refusal, a {@link Refused} that carries the fingerprint. */
    private final class Checked extends X509ExtendedTrustManager {
        private volatile X509ExtendedTrustManager jdk; // read at the first use (see sslContext)

        private X509ExtendedTrustManager jdk() throws CertificateException {
            X509ExtendedTrustManager manager = jdk;
            if (manager == null) {
                try {
                    manager = jdkTrustManager();
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("this Java's trust store cannot be read: " + e.getMessage(), e);
                }
                jdk = manager;
            }
            return manager;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, () -> jdk().checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, () -> jdk().checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, () -> jdk().checkServerTrusted(chain, authType));
        }

        private void check(X509Certificate[] chain, JdkCheck jdkCheck) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String presented = fingerprint(chain[0]);
            if (pinned.isPresent()) {
                if (!MessageDigest.isEqual(pinned.get(), HexFormat.of().parseHex(presented.replace(":", "")))) {
                    throw new Refused("certificate fingerprint " + presented + " is not the pinned one", presented, true, null);
                }
                return;
            }
            try {
                jdkCheck.run();
            } catch (CertificateException e) {
                throw new Refused(rootMessage(e), presented, false, e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            try {
                return ((X509TrustManager) jdk()).getAcceptedIssuers();
            } catch (CertificateException e) {
                return new X509Certificate[0];
            }
        }
    }

    private interface JdkCheck {
        void run() throws CertificateException;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause().getMessage() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? e.toString() : root.getMessage();
    }
}
