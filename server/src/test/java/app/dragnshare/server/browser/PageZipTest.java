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
 * cannot point outside the folder a zip is unpacked into.
 */
@Tag("browser")
class PageZipTest {
    private static final int MANY = 70_000;

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
}
