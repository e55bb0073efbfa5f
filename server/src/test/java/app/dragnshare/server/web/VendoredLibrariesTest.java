package app.dragnshare.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The page's vendored libraries are pinned: each file under web/js/vendor is listed in
 * web/README.md's "Vendored libraries" table with its SHA-256, and has that SHA-256.
 */
class VendoredLibrariesTest {
    private static final Path WEB = Path.of("..", "web");
    private static final Pattern ROW = Pattern.compile("^\\| `(js/vendor/[^`]+)` \\|.*\\| `([0-9a-f]{64})` \\|$", Pattern.MULTILINE);

    @Test
    void everyVendoredFileHasTheChecksumTheReadmeRecords() throws Exception {
        Map<String, String> recorded = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(WEB.resolve("README.md")));
        while (row.find()) {
            recorded.put(row.group(1), row.group(2));
        }
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.list(WEB.resolve("js/vendor"))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith("LICENSE")).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                actual.put("js/vendor/" + file.getFileName(), HexFormat.of().formatHex(digest));
            }
        }
        assertEquals(recorded, actual, "web/README.md's table of vendored libraries and the files themselves");
    }
}
