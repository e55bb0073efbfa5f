package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * The page served over HTTPS by the server itself (TLS_SELF_SIGNED), in a Chromium that trusts
 * exactly that certificate for the test (as a person who accepted it, or installed it, would):
 * the page gets its cryptography and its service worker, and transfers go both ways with the CLI,
 * which pins the same certificate.
 */
@Tag("browser")
class PageOverHttpsTest {
    @TempDir
    Path dir;

    @Test
    void thePageSharesAndReceivesOverHttps() throws Exception {
        Path shared = TestFiles.random(dir, "minutes.odt", 1_300_000, 61);
        Path sent = TestFiles.random(dir, "video.mp4", 3_100_000, 62);
        try (DragNShareServer server = TestServer.start(Map.of("TLS_SELF_SIGNED", "true",
                "DATA_DIR", dir.resolve("data").toString()), RelayTap.NONE);
             Browser browser = Browser.start(dir.resolve("downloads"), Browser.DESKTOP,
                     "--ignore-certificate-errors-spki-list=" + spki(server))) {
            String fingerprint = server.tls().orElseThrow().fingerprint();
            SessionPage sharer = SessionPage.share(browser, server.localUrl(), shared);
            assertEquals(true, browser.driver().executeScript("return window.isSecureContext && location.protocol === 'https:'"),
                    "an https page, a secure context");
            String link = sharer.inviteLink();
            assertTrue(link.startsWith("https://"), link);
            Path out = dir.resolve("cli-out");
            Cli.Result received = Cli.run(60, "receive", link, "--out", out.toString(), "--trust-fingerprint", fingerprint);
            assertEquals(0, received.exitCode(), received.stderr());
            assertTrue(TestFiles.sameBytes(shared, out.resolve("minutes.odt")), "the CLI got the page's bytes over HTTPS");

            try (Cli.Sending sending = Cli.send("--server", server.localUrl().toString(), "--trust-fingerprint", fingerprint,
                    sent.toString())) {
                SessionPage receiver = SessionPage.join(browser, sending.link());
                receiver.waitForFiles(1);
                assertEquals(true, browser.driver().executeScript("return !!navigator.serviceWorker.controller"),
                        "the download service worker runs over HTTPS");
                receiver.download("video.mp4");
                Path saved = receiver.awaitDownload("video.mp4", Files.size(sent), Duration.ofSeconds(60));
                assertTrue(TestFiles.sameBytes(sent, saved), "the page got the CLI's bytes over HTTPS");
                receiver.assertNoErrors();
            }
        }
    }

    /** What --ignore-certificate-errors-spki-list takes: base64 of the SHA-256 of the certificate's public key info. */
    private static String spki(DragNShareServer server) throws Exception {
        byte[] publicKeyInfo = server.tls().orElseThrow().certificate().getPublicKey().getEncoded();
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(publicKeyInfo));
    }
}
