package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestServer;

/**
 * The page's zip code (web/js/zip-download.js with the vendored client-zip), run in Chromium:
 * more than 65,535 entries end with the Zip64 records that carry the count (client-zip 2.5.1
 * writes them only past 4 GiB), a small zip is left as client-zip makes it, and entry names
 * cannot point outside the folder a zip is unpacked into; and the page's CRC-32 (web/js/crc32.js,
 * which client-zip is patched to use) is the JDK's on known vectors and on 8 MiB of random bytes.
 */
@Tag("browser")
class PageZipTest {
    private static final int MANY = 70_000;
    private static final int RANDOM_BYTES = 8 << 20;
    private static final int SEED = 0x2545f491;

    @TempDir
    Path dir;

    @Test
    void manyEntriesGetTheirZip64CountAndNamesStayInside() throws Exception {
        String script = Files.readString(Path.of("..", "web", "test", "zip.js"));
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/"));
            Object answer = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "(" + script + ")(arguments[0])"
                    + ".then(r => done(JSON.stringify(r)), e => done('failed: ' + e + '\\n' + e.stack));", MANY);
            assertTrue(answer instanceof String s && s.startsWith("{"), "the page's zip code failed: " + answer);
            JsonObject result = Json.createReader(new StringReader((String) answer)).readObject();

            byte[] many = Base64.getDecoder().decode(result.getJsonObject("many").getString("base64"));
            assertEquals(result.getJsonObject("many").getInt("predicted") + 76, many.length, "76 bytes of Zip64 end records");
            ByteBuffer end = ByteBuffer.wrap(many).order(ByteOrder.LITTLE_ENDIAN);
            int eocd = many.length - 22;
            assertEquals(0x06054b50, end.getInt(eocd));
            assertEquals(0xffff, end.getShort(eocd + 10) & 0xffff, "the classic count says: see Zip64");
            assertEquals(0x07064b50, end.getInt(eocd - 20), "a Zip64 end locator before the end record");
            long zip64End = end.getLong(eocd - 20 + 8);
            assertEquals(eocd - 76, zip64End, "the locator points at the Zip64 end record");
            assertEquals(0x06064b50, end.getInt((int) zip64End));
            assertEquals(MANY, end.getLong((int) zip64End + 32), "the Zip64 end record counts every entry");
            assertEquals(end.getInt(eocd + 12) & 0xffffffffL, end.getLong((int) zip64End + 40), "central directory size");
            assertEquals(end.getInt(eocd + 16) & 0xffffffffL, end.getLong((int) zip64End + 48), "central directory offset");
            Path zip = Files.write(dir.resolve("many.zip"), many);
            try (ZipFile file = new ZipFile(zip.toFile())) {
                assertEquals(MANY, file.size());
                ZipEntry last = file.getEntry("many/" + (MANY - 1) + ".txt");
                assertEquals(Integer.toString(MANY - 1), new String(file.getInputStream(last).readAllBytes()));
            }

            byte[] few = Base64.getDecoder().decode(result.getJsonObject("few").getString("base64"));
            assertEquals(result.getJsonObject("few").getInt("predicted"), few.length, "a small zip is as client-zip makes it");

            assertEquals(List.of("etc/passwd", "a/b.txt", "abs/c.txt", "A.txt", "a (1).txt", "a (2).txt", "x/_CON.txt",
                    "photos/d.jpg", "Other/e.jpg", "Trip_.._f"), result.getJsonArray("names").getValuesAs(JsonString.class)
                    .stream().map(JsonString::getString).toList(), "entry names: climbs dropped, parts made safe, clashes numbered");
            assertEquals(List.of(), browser.consoleErrors(), "errors in the page's console");
        }
    }

    @Test
    void crc32IsTheStandardOneOnKnownVectorsAndOnRandomBytesWholeInPiecesAndInAZip() throws Exception {
        String script = Files.readString(Path.of("..", "web", "test", "crc32.js"));
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/"));
            Object answer = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "(" + script + ")({ size: arguments[0], seed: arguments[1] })"
                    + ".then(r => done(JSON.stringify(r)), e => done('failed: ' + e + '\\n' + e.stack));", RANDOM_BYTES, SEED);
            assertTrue(answer instanceof String s && s.startsWith("{"), "the page's CRC code failed: " + answer);
            JsonObject result = Json.createReader(new StringReader((String) answer)).readObject();

            // CRC-32/ISO-HDLC check values: the empty string, "a", the standard "123456789", and a pangram
            assertEquals(List.of("00000000", "e8b7be43", "cbf43926", "414fa339"),
                    result.getJsonArray("vectors").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
            String expected = String.format("%08x", jdkCrc(RANDOM_BYTES, SEED));
            assertEquals(expected, result.getString("whole"), "8 MiB of random bytes in one call");
            assertEquals(expected, result.getString("pieces"), "the same in pieces of odd lengths at unaligned offsets");
            assertEquals(0, result.getJsonArray("short").size(), "pieces of 0 to 99 bytes whose CRC differs byte by byte: "
                    + result.getJsonArray("short"));
            assertEquals(expected, result.getString("entry"), "the CRC client-zip wrote for the entry");
            System.out.println("CRC-32 in Chromium, MiB/s: " + result.getJsonObject("speed"));
            assertEquals(List.of(), browser.consoleErrors(), "errors in the page's console");
        }
    }

    /** java.util.zip.CRC32 of the bytes the script makes: xorshift32 from the seed, the low byte of each state. */
    private static long jdkCrc(int size, int seed) {
        byte[] data = new byte[size];
        int x = seed;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            data[i] = (byte) x;
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }
}
