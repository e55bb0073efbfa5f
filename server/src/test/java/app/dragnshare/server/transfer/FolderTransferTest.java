package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** {@code send DIR} to {@code receive}: the real CLI jars keep a folder's tree, through a real server and Redis. */
class FolderTransferTest {
    private static final String DEEP = "deep/" + "level/".repeat(20) + "leaf.bin";
    private static DragNShareServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void aFolderArrivesAsTheSameTreeWithoutItsLinksOrEmptyFolders() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path photos = tree(in.resolve("My Photos"));
        Path solo = TestFiles.random(in, "solo.txt", 77, 9);
        Path outside = TestFiles.random(in, "secret.txt", 50, 10);
        Files.createSymbolicLink(photos.resolve("link.txt"), outside);
        Files.createSymbolicLink(photos.resolve("linked folder"), Files.createDirectories(in.resolve("elsewhere")));
        TestFiles.random(in.resolve("elsewhere"), "private.bin", 10, 11);

        try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once",
                photos.toString(), solo.toString())) {
            Path out = dir.resolve("out");
            Cli.Result received = Cli.run(120, "receive", sending.link(), "--out", out.toString());
            assertEquals(0, received.exitCode(), received.stderr());
            Map<String, Path> expected = files(in, photos);
            expected.put("solo.txt", solo);
            assertEquals(expected.keySet(), files(out, out).keySet(), "the same tree: " + received.stderr());
            for (Map.Entry<String, Path> file : expected.entrySet()) {
                assertTrue(TestFiles.sameBytes(file.getValue(), out.resolve(file.getKey())), "bytes differ: " + file.getKey());
            }
            assertFalse(Files.exists(out.resolve("My Photos/empty folder")), "empty folders are skipped");
            assertFalse(Files.exists(out.resolve("My Photos/linked folder"), LinkOption.NOFOLLOW_LINKS), "links are not followed");
            assertEquals(expected.size(), received.stdout().lines().count(), "one saved path per file: " + received.stdout());
            assertTrue(received.stderr().contains(expected.size() + "/" + expected.size() + " files"), received.stderr());
            assertEquals(0, sending.awaitExit(30), "send --once exits once every file was downloaded");
            String said = sending.stderrText();
            assertTrue(said.contains("Sharing " + expected.size() + " files"), said);
            assertTrue(said.contains("Not shared: 2 symbolic links inside the folders (links are not followed)"), said);
        }
    }

    /**
     * A receiver under the POSIX locale (many containers have no other) cannot name a file with
     * letters beyond ASCII; such letters become "_" instead of failing the file.
     */
    @Test
    void namesBeyondAsciiArriveUnderThePosixLocale() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/Café"));
        Path file = TestFiles.random(in, "naïve résumé.txt", 3000, 31);
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", in.toString())) {
            Path out = dir.resolve("out-posix");
            Cli.Result received = Cli.run(60, Map.of("LANG", "C", "LC_ALL", "C"), "receive", sending.link(),
                    "--out", out.toString());
            assertEquals(0, received.exitCode(), received.stderr());
            assertTrue(TestFiles.sameBytes(file, out.resolve("Caf_/na_ve r_sum_.txt")), "saved under an ASCII name: "
                    + received.stdout());
            assertEquals(0, sending.awaitExit(30), "send --once exits once the file was downloaded");
        }
    }

    @Test
    void aSharerUnderThePosixLocaleSaysWhatItCannotName() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in-posix/Café"));
        Path file = TestFiles.random(in, "naïve.txt", 2000, 41);
        Map<String, String> posix = Map.of("LANG", "C", "LC_ALL", "C");
        String url = TestServer.url(server).toString();

        Cli.Result named = Cli.run(30, posix, "send", "--server", url, "--once", file.toString());
        assertEquals(2, named.exitCode(), "a name the JVM cannot open is a usage error: " + named.stderr());
        assertTrue(named.stderr().contains("reads file names as US-ASCII") && named.stderr().contains("LC_ALL=C.UTF-8"),
                named.stderr());

        try (Cli.Sending sending = Cli.send(posix, "--server", url, "--once", dir.resolve("in-posix").toString())) {
            Path out = dir.resolve("out-from-posix");
            Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", out.toString());
            assertEquals(0, received.exitCode(), received.stderr());
            // each byte of é and ï the sharer's JVM could not read became one _
            assertTrue(TestFiles.sameBytes(file, out.resolve("in-posix/Caf__/na__ve.txt")), received.stdout());
            assertEquals(0, sending.awaitExit(30), "send --once exits once the file was downloaded");
            String said = Files.readString(sending.stderr());
            assertTrue(said.contains("1 name is shared with _ in place of letters beyond ASCII")
                    && said.contains("LC_ALL=C.UTF-8"), said);
        }
    }

    @Test
    void aFolderCanBeAskedForByNameAndNothingIsOverwritten() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path photos = tree(in.resolve("My Photos"));
        Path out = Files.createDirectories(dir.resolve("out/My Photos/été 2024"));
        Files.writeString(out.resolve("plage ✓.jpg"), "mine");
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), photos.toString())) {
            Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out").toString(),
                    "My Photos/été 2024");
            assertEquals(0, received.exitCode(), received.stderr());
            assertEquals("mine", Files.readString(out.resolve("plage ✓.jpg")), "the existing file is untouched");
            assertTrue(TestFiles.sameBytes(photos.resolve("été 2024/plage ✓.jpg"), out.resolve("plage ✓ (1).jpg")));
            assertTrue(TestFiles.sameBytes(photos.resolve("été 2024/empty.bin"), out.resolve("empty.bin")));
            try (Stream<Path> all = Files.walk(dir.resolve("out"))) {
                assertEquals(3, all.filter(Files::isRegularFile).count(), "only the folder's two files came");
            }
            Cli.Result partOfAName = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out2").toString(), "My Pho");
            assertEquals(2, partOfAName.exitCode(), "a folder is named whole: " + partOfAName.stderr());
            assertTrue(partOfAName.stderr().contains("no file or folder named \"My Pho\""), partOfAName.stderr());
        }
    }

    /** A tree with spaces and non-ASCII letters in its names, an empty file, a deep path and empty folders. */
    private static Path tree(Path root) throws Exception {
        Files.createDirectories(root.resolve("été 2024"));
        Files.createDirectories(root.resolve(DEEP).getParent());
        Files.createDirectories(root.resolve("empty folder"));
        Files.createDirectories(root.resolve("nested empty/inner"));
        Files.createDirectories(root.resolve("Документы"));
        TestFiles.random(root, "a.txt", 1000, 1);
        TestFiles.random(root.resolve("été 2024"), "plage ✓.jpg", 300_000, 2);
        TestFiles.random(root.resolve("été 2024"), "empty.bin", 0, 3);
        TestFiles.random(root.resolve(DEEP).getParent(), "leaf.bin", 5000, 4);
        TestFiles.random(root.resolve("Документы"), "отчёт.pdf", 4096, 5);
        return root;
    }

    /** Regular files below {@code folder} by their path relative to {@code base}, /-separated. */
    private static Map<String, Path> files(Path base, Path folder) throws Exception {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                files.put(String.join("/", java.util.stream.StreamSupport.stream(base.relativize(p).spliterator(), false)
                        .map(Path::toString).toList()), p);
            }
        }
        return files;
    }
}
