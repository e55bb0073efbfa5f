package app.dragnshare.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.data.DataDir;

/**
 * The TLS_SELF_SIGNED certificate: made once (Bouncy Castle builds it, the JDK makes the P-256
 * key and signs) and kept in DATA_DIR, so its fingerprint stays what people checked, until it
 * nears its end; then a new one is made and the startup says the fingerprint changed. It names
 * this machine as people reach it on a home network: localhost, its host name (also as
 * {@code NAME.local}) and its addresses at the time it was made.
 *
 * @param names   the host names and addresses the certificate covers
 * @param madeNow whether this start made it (its fingerprint is new)
 */
public record SelfSignedCertificate(Path certFile, Path keyFile, List<String> names, Instant notAfter, boolean madeNow) {
    private static final Logger LOG = Logger.getLogger(SelfSignedCertificate.class.getName());
    static final String CERT_FILE = "tls-cert.pem";
    static final String KEY_FILE = "tls-key.pem";
    /** 825 days: the longest Apple's systems accept for a server certificate, even one a person trusted by hand. */
    static final Duration VALIDITY = Duration.ofDays(825);
    /** A certificate this close to its end is replaced at startup rather than failing while the server runs. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The certificate in {@code data}, made now if there is none or the one there is about to expire. */
    static SelfSignedCertificate kept(DataDir data, String bindHost) {
        Path cert = data.file(CERT_FILE);
        Path key = data.file(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            X509Certificate existing = read(cert);
            Instant notAfter = existing.getNotAfter().toInstant();
            if (notAfter.isAfter(Instant.now().plus(RENEW_BEFORE))) {
                return new SelfSignedCertificate(cert, key, names(existing), notAfter, false);
            }
            LOG.warning("the self-signed certificate in " + cert + " expires on " + notAfter + ": making a new one, "
                    + "whose fingerprint differs (clients that pinned the old one must be given the new one)");
            delete(cert);
            delete(key);
        }
        return make(cert, key, namesOfThisMachine(bindHost));
    }

    private static SelfSignedCertificate make(Path certFile, Path keyFile, List<String> names) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            Instant notAfter = now.plus(VALIDITY);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, "Drag-n-Share")
                    .addRDN(BCStyle.O, "Drag-n-Share (self-signed)")
                    .build();
            List<GeneralName> alternatives = new ArrayList<>();
            for (String name : names) {
                alternatives.add(new GeneralName(isAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
            }
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(127, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter),
                    subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(alternatives.toArray(GeneralName[]::new)));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            DataDir.writeOwnerOnly(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded())); // PKCS#8
            DataDir.writeOwnerOnly(certFile, pem("CERTIFICATE", certificate.getEncoded()));
            LOG.info("made a self-signed certificate for " + names + " in " + certFile);
            return new SelfSignedCertificate(certFile, keyFile, names, notAfter, true);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new ConfigException("cannot make the self-signed certificate in " + certFile.getParent() + ": " + e.getMessage());
        }
    }

    /** localhost, the bind address if it is a specific one, this machine's names and its non-loopback addresses. */
    static List<String> namesOfThisMachine(String bindHost) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost"));
        String host = hostName();
        names.add(host);
        if (!host.equals("localhost") && !host.contains(".") && !isAddress(host)) {
            names.add(host + ".local"); // the name mDNS (Bonjour, Avahi) gives it on a home network
        }
        names.add("127.0.0.1");
        names.add("::1");
        if (!bindHost.isBlank() && !bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            names.add(bindHost);
        }
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (nic.isUp() && !nic.isLoopback()) {
                    nic.inetAddresses()
                            .filter(a -> !a.isLinkLocalAddress() && !a.isLoopbackAddress())
                            .map(a -> a.getHostAddress().replaceAll("%.*$", ""))
                            .forEach(names::add);
                }
            }
        } catch (SocketException e) {
            LOG.fine(() -> "listing network addresses: " + e.getMessage());
        }
        return List.copyOf(names);
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip().toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "localhost";
        }
    }

    static boolean isAddress(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static X509Certificate read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cannot read the self-signed certificate " + file + " (" + e.getMessage()
                    + "); delete it and " + KEY_FILE + " beside it to have a new one made");
        }
    }

    private static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(entry -> names.add(String.valueOf(entry.get(1))));
            }
        } catch (java.security.cert.CertificateParsingException e) {
            LOG.fine(() -> "reading the certificate's names: " + e.getMessage());
        }
        return names;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ConfigException("cannot replace " + file + ": " + e.getMessage());
        }
    }
}
