package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.qrcode.QRCodeReader;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestServer;

/**
 * The first steps of a person who has never seen the page: files dropped anywhere on it are
 * shared, and the QR code drawn in the page carries exactly the invite link.
 */
@Tag("browser")
class InviteAndDropTest {
    @TempDir
    Path dir;

    @Test
    void filesDroppedOnTheStartPageAreSharedAndTheQrCodeIsTheInvite() throws Exception {
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/"));
            SessionPage page = SessionPage.join(browser, TestServer.url(server) + "/", false);
            // a drop as the browser delivers it: a DragEvent whose DataTransfer holds File objects
            browser.driver().executeScript("""
                    const data = new DataTransfer();
                    data.items.add(new File(['first dropped file'], 'dropped one.txt', { type: 'text/plain' }));
                    data.items.add(new File([new Uint8Array(70000)], 'dropped two.bin'));
                    for (const type of ['dragenter', 'dragover', 'drop']) {
                      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
                    }
                    """);
            page.waitForFiles(2);
            assertTrue(page.pageText().contains("dropped one.txt") && page.pageText().contains("dropped two.bin"),
                    page.pageText());

            String link = page.inviteLink();
            assertEquals(link, browser.driver().getCurrentUrl(), "the address bar is the invite, so a reload reopens it");
            String png = (String) browser.driver().executeScript("return document.getElementById('qr').toDataURL('image/png')");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                    Base64.getDecoder().decode(png.substring(png.indexOf(',') + 1))));
            int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
            String decoded = decodeQr(image, pixels);
            assertEquals(link, decoded, "the QR code must carry the invite link, secret included");
            assertEquals(java.util.List.of(), browser.consoleErrors(), "the console (CSP violations, uncaught errors)");
        }
    }

    /**
     * The canvas holds nothing but the code and its quiet zone, so it is read as a pure barcode
     * (module size taken from the image), not searched for finder patterns: the search failed
     * once in CI (NotFoundException). Drawn as the page draws them, 400 random invites: zxing's
     * search missed 1, the pure read none, and none read wrong (2026-11-30).
     */
    private static String decodeQr(BufferedImage image, int[] pixels) throws Exception {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
        try {
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("no QR code read from the " + image.getWidth() + " × " + image.getHeight()
                    + " canvas: " + e, e);
        }
    }
}
