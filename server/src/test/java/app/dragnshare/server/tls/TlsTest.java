package app.dragnshare.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/** The server speaks HTTPS itself; the CLI checks whom it talks to. */
class TlsTest {
    /** The CLI's exit code for a refused certificate. */
    private static final int UNTRUSTED = 10;

    @TempDir
    Path dir;

    private DragNShareServer selfSigned(Path data) {
        return TestServer.start(Map.of("TLS_SELF_SIGNED", "true", "DATA_DIR", data.toString()), RelayTap.NONE);
    }

    @Test
    void cliToCliOverHttpsWithThePinnedFingerprint() throws Exception {
        Path file = TestFiles.random(dir, "photos.tar", 5 * 1024 * 1024 + 3, 41);
        try (DragNShareServer server = selfSigned(dir.resolve("data"))) {
            String fingerprint = server.tls().orElseThrow().fingerprint();
            try (Cli.Sending sending = Cli.send("--server", server.localUrl().toString(), "--trust-fingerprint", fingerprint,
                    file.toString())) {
                assertTrue(sending.link().startsWith("https://127.0.0.1:" + server.port() + "/s/"), sending.link());
                Path out = dir.resolve("out");
                // as a person would copy it from a browser: lower case, no colons
                Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", out.toString(),
                        "--trust-fingerprint", fingerprint.replace(":", "").toLowerCase());
                assertEquals(0, received.exitCode(), received.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("photos.tar")), "the same bytes arrive over HTTPS");
                assertTrue(sending.stderrText().contains("needs --trust-fingerprint " + fingerprint),
                        "the sharer says what a receiver needs: " + sending.stderrText());
            }
        }
    }

    @Test
    void aWrongFingerprintIsRefusedWithAClearMessageAndNothingIsSent() throws Exception {
        Path file = TestFiles.random(dir, "a.bin", 1000, 42);
        try (DragNShareServer server = selfSigned(dir.resolve("data"))) {
            String fingerprint = server.tls().orElseThrow().fingerprint();
            String wrong = (fingerprint.startsWith("00") ? "11" : "00") + fingerprint.substring(2);
            Cli.Result send = Cli.run(30, "send", "--server", server.localUrl().toString(), "--trust-fingerprint", wrong,
                    file.toString());
            assertEquals(UNTRUSTED, send.exitCode(), send.stderr());
            assertEquals("", send.stdout(), "no link: no session was made");
            assertTrue(send.stderr().contains("is not the one you named") && send.stderr().contains(fingerprint)
                    && send.stderr().contains("Nothing was sent"), send.stderr());

            try (Cli.Sending sending = Cli.send("--server", server.localUrl().toString(), "--trust-fingerprint", fingerprint,
                    file.toString())) {
                Path out = dir.resolve("out");
                Cli.Result receive = Cli.run(30, "receive", sending.link(), "--out", out.toString(), "--trust-fingerprint", wrong);
                assertEquals(UNTRUSTED, receive.exitCode(), receive.stderr());
                assertTrue(receive.stderr().contains("not the one given with --trust-fingerprint"), receive.stderr());
                assertFalse(Files.exists(out), "nothing was saved, not even a folder");
            }
        }
    }

    @Test
    void withoutAPinTheJdkRefusesASelfSignedCertificateAndSaysWhatToDo() throws Exception {
        try (DragNShareServer server = selfSigned(dir.resolve("data"))) {
            String fingerprint = server.tls().orElseThrow().fingerprint();
            Cli.Result send = Cli.run(30, "send", "--server", server.localUrl().toString(),
                    TestFiles.random(dir, "a.bin", 10, 43).toString());
            assertEquals(UNTRUSTED, send.exitCode(), send.stderr());
            assertTrue(send.stderr().contains("a certificate this Java does not trust")
                    && send.stderr().contains("pass --trust-fingerprint " + fingerprint), send.stderr());
        }
    }

    @Test
    void aPinIsOnlyForHttpsAndMustBeASha256() throws Exception {
        Cli.Result plain = Cli.run(30, "send", "--server", "http://127.0.0.1:1", "--trust-fingerprint", "00".repeat(32),
                TestFiles.random(dir, "a.bin", 10, 46).toString());
        assertEquals(2, plain.exitCode(), plain.stderr());
        assertTrue(plain.stderr().contains("is for https:// servers"), plain.stderr());
        Cli.Result shortPin = Cli.run(30, "send", "--server", "https://127.0.0.1:1", "--trust-fingerprint", "AB:CD",
                TestFiles.random(dir, "b.bin", 10, 44).toString());
        assertEquals(2, shortPin.exitCode(), shortPin.stderr());
        assertTrue(shortPin.stderr().contains("64 hex digits"), shortPin.stderr());
    }

    @Test
    void theSelfSignedCertificateIsKeptAcrossRestartsAndItsKeyIsPrivate() throws Exception {
        Path data = dir.resolve("data");
        String first;
        try (DragNShareServer server = selfSigned(data)) {
            first = server.tls().orElseThrow().fingerprint();
            assertTrue(server.tls().orElseThrow().selfSigned().orElseThrow().madeNow());
        }
        try (DragNShareServer again = selfSigned(data)) {
            assertEquals(first, again.tls().orElseThrow().fingerprint(), "the same certificate after a restart");
            assertFalse(again.tls().orElseThrow().selfSigned().orElseThrow().madeNow());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls-key.pem"))));
        assertNotEquals(first, selfSignedFingerprint(dir.resolve("other")), "another data folder, another certificate");
    }

    /** TLS_CERT_FILE and TLS_KEY_FILE: PEM from anywhere (here: a pair made in another data folder). */
    @Test
    void certificateAndKeyFilesServeHttps() throws Exception {
        Path made = dir.resolve("made");
        String fingerprint = selfSignedFingerprint(made);
        Path cert = Files.copy(made.resolve("tls-cert.pem"), dir.resolve("cert.pem"));
        Path key = Files.copy(made.resolve("tls-key.pem"), dir.resolve("key.pem"));
        Path file = TestFiles.random(dir, "c.bin", 300_000, 45);
        try (DragNShareServer server = TestServer.start(Map.of("TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", key.toString()),
                RelayTap.NONE);
             Cli.Sending sending = Cli.send("--server", server.localUrl().toString(), "--trust-fingerprint", fingerprint,
                     file.toString())) {
            assertTrue(server.tls().orElseThrow().selfSigned().isEmpty());
            Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out").toString(),
                    "--trust-fingerprint", fingerprint);
            assertEquals(0, received.exitCode(), received.stderr());
        }
    }

    @Test
    void badCertificateFilesStopTheStartWithOneLine() throws Exception {
        Path made = dir.resolve("made");
        selfSignedFingerprint(made);
        selfSignedFingerprint(dir.resolve("other"));
        Path cert = made.resolve("tls-cert.pem");
        ConfigException mismatch = assertThrows(ConfigException.class, () -> TestServer.start(Map.of(
                "TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", dir.resolve("other").resolve("tls-key.pem").toString()),
                RelayTap.NONE));
        assertTrue(mismatch.getMessage().contains("does not belong to the certificate"), mismatch.getMessage());

        Path notPem = Files.writeString(dir.resolve("key.txt"), "this is not a key\n");
        ConfigException garbage = assertThrows(ConfigException.class, () -> TestServer.start(Map.of(
                "TLS_CERT_FILE", cert.toString(), "TLS_KEY_FILE", notPem.toString()), RelayTap.NONE));
        assertTrue(garbage.getMessage().contains("BEGIN PRIVATE KEY"), garbage.getMessage());

        ConfigException missing = assertThrows(ConfigException.class, () -> TestServer.start(Map.of(
                "TLS_CERT_FILE", dir.resolve("nope.pem").toString(), "TLS_KEY_FILE", notPem.toString()), RelayTap.NONE));
        assertTrue(missing.getMessage().contains("TLS_CERT_FILE") && missing.getMessage().contains("not a readable file"),
                missing.getMessage());
    }

    /**
     * Helidon 4.2.0 gives back no connection permit when a handshake fails, and times no
     * handshake out: plain HTTP sent to the HTTPS port, or clients that connect and say nothing,
     * would leave the listener accepting nobody. Here 40 failed handshakes and 5 silent clients
     * come and go on a listener of 16 connections, and it still serves.
     */
    @Test
    void failedAndSilentHandshakesNeitherUseUpTheListenerNorHoldTheirConnections() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("TLS_SELF_SIGNED", "true", "DATA_DIR", dir.resolve("data").toString(),
                "MAX_CONNECTIONS", "16", "HEADER_TIMEOUT", "2s"), RelayTap.NONE)) {
            for (int i = 0; i < 40; i++) {
                try (java.net.Socket plain = new java.net.Socket("127.0.0.1", server.port())) {
                    plain.setSoTimeout(5_000);
                    plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    plain.getInputStream().read(new byte[64]); // the server's TLS alert, or its close
                }
            }
            java.util.List<java.net.Socket> silent = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port());
                socket.setSoTimeout(8_000);
                silent.add(socket);
            }
            for (java.net.Socket socket : silent) {
                try (socket) {
                    long started = System.nanoTime();
                    socket.getInputStream().readAllBytes(); // at most a TLS alert, then the end: closed, not timed out here

                    assertTrue(System.nanoTime() - started < java.time.Duration.ofSeconds(6).toNanos(), "within HEADER_TIMEOUT or so");
                }
            }
            var api = new app.dragnshare.client.api.ServerApi(server.localUrl(),
                    app.dragnshare.client.api.ServerTrust.pinned(server.tls().orElseThrow().fingerprint()));
            assertTrue(api.createSession().token().length() > 20, "the listener still serves over HTTPS");
        }
    }

    private String selfSignedFingerprint(Path data) {
        try (DragNShareServer server = selfSigned(data)) {
            return server.tls().orElseThrow().fingerprint();
        }
    }
}
