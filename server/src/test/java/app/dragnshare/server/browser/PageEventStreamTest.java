package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestServer;

/**
 * The page's event-stream reader (web/js/events.js), run inside Chromium: LF, CRLF and CR line
 * ends, comments, multi-line data, a kept id, UTF-8 split anywhere between reads, the bound on a
 * line's length, and a chunk's data (decoded as Latin-1) that holds a non-ASCII byte.
 */
@Tag("browser")
class PageEventStreamTest {
    private static final int MAX_LINE = 64;

    @TempDir
    Path dir;

    @Test
    void pageParsesEventStreamsHoweverTheReadsAreCut() throws Exception {
        String script = Files.readString(Path.of("..", "web", "test", "event-stream.js"));
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/"));
            Object answer = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "(" + script + ")(arguments[0])"
                    + ".then(r => done(JSON.stringify(r)), e => done('failed: ' + e + '\\n' + e.stack));", MAX_LINE);
            assertTrue(answer instanceof String s && s.startsWith("{"), "the page's event reader failed: " + answer);
            JsonObject result = Json.createReader(new StringReader((String) answer)).readObject();
            List<String> events = result.getJsonArray("whole").getValuesAs(JsonObject.class).stream()
                    .map(e -> e.getString("event") + "|" + e.getString("id", null) + "|" + e.getString("data"))
                    .toList();
            assertEquals(List.of(
                    "offer|0|{\"name\":\"résumé ✓.pdf\"}",
                    "chunk|1|QUJD",
                    "chunk|2|REVG",
                    "message|2|line one\nline two",
                    "end|7|"), events, "a half line at the end is dropped; the id is kept until the next");
            assertEquals(List.of(), result.getJsonArray("differing").getValuesAs(jakarta.json.JsonString.class).stream()
                    .map(jakarta.json.JsonString::getString).toList(), "reads cut elsewhere gave other events");
            assertTrue(result.getBoolean("byteByByteSame"), "one byte per read gave other events");
            assertEquals("the server sent a line longer than " + MAX_LINE + " characters", result.getString("tooLong"));
            assertEquals("refused", result.getString("nonAscii"), "a chunk with a non-ASCII byte was decoded");
            assertEquals(List.of(), browser.consoleErrors(), "errors in the page's console");
        }
    }
}
