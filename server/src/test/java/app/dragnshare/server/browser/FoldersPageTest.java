package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * A folder shared from the page ("Choose folder") keeps its tree: the receiving page lists it
 * grouped by folder, "Download all" and "Download folder" save one zip each whose entries and
 * bytes are the tree's, and the CLI receives the same tree into folders.
 */
@Tag("browser")
class FoldersPageTest {
    @TempDir
    Path dir;

    @Test
    void aFolderFromThePageArrivesAsOneZipAndAsATree() throws Exception {
        Path root = Files.createDirectories(dir.resolve("in/Trip 2026"));
        Map<String, Path> tree = new TreeMap<>();
        tree.put("Trip 2026/notes.txt", file(root, "notes.txt", 1000, 1));
        tree.put("Trip 2026/photos/day 1/IMG 0001.jpg", file(root, "photos/day 1/IMG 0001.jpg", 600_000, 2));
        tree.put("Trip 2026/photos/day 2/Überblick ✓.png", file(root, "photos/day 2/Überblick ✓.png", 50_000, 3));
        tree.put("Trip 2026/photos/empty.bin", file(root, "photos/empty.bin", 0, 4));
        tree.put("Trip 2026/videos/clip.mp4", file(root, "videos/clip.mp4", 1_200_000, 5));
        Files.createDirectories(root.resolve("nothing in here"));

        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            SessionPage sharer = SessionPage.shareFolder(sharerBrowser, TestServer.url(server), root, tree.size());
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForText("5 files ·", Duration.ofSeconds(20));
            assertEquals(0, receiverBrowser.driver().findElements(By.cssSelector("#file-list .file")).size(),
                    "a folder starts closed: its files are not drawn");
            receiver.toggleFolder("Trip 2026");
            receiver.waitUntil("the folder's contents", () -> receiver.pageText().contains("notes.txt")
                    && receiver.pageText().contains("photos") && receiver.pageText().contains("videos"));
            assertTrue(!receiver.pageText().contains("nothing in here"), "an empty folder has nothing to share");

            receiver.download("Trip 2026/notes.txt");
            assertTrue(TestFiles.sameBytes(tree.get("Trip 2026/notes.txt"),
                    receiver.awaitDownload("notes.txt", 1000, Duration.ofSeconds(30))), "one file of a folder is saved under its own name");
            String zipName = receiverBrowser.driver().findElement(By.id("session-name")).getText() + ".zip";
            receiver.downloadAll();
            assertZipHolds(receiver.awaitZip(zipName, Duration.ofSeconds(60)), tree, "");
            assertProgressComplete(receiverBrowser, zipName);

            receiver.button("Download folder Trip 2026/photos as a zip").click();
            Map<String, Path> photos = new TreeMap<>(tree);
            photos.keySet().removeIf(name -> !name.startsWith("Trip 2026/photos/"));
            assertZipHolds(receiver.awaitZip("photos.zip", Duration.ofSeconds(60)), photos, "Trip 2026/");

            Path out = dir.resolve("cli-out");
            Cli.Result received = Cli.run(90, "receive", sharer.inviteLink(), "--out", out.toString());
            assertEquals(0, received.exitCode(), received.stderr());
            for (Map.Entry<String, Path> file : tree.entrySet()) {
                assertTrue(TestFiles.sameBytes(file.getValue(), out.resolve(file.getKey())), "the CLI's copy of " + file.getKey());
            }
            receiver.assertNoErrors();
            sharer.assertNoErrors();
            assertEquals(java.util.List.of(), sharerBrowser.consoleErrors(), "the sharer's console");
            assertEquals(java.util.List.of(), receiverBrowser.consoleErrors(), "the receiver's console");
            receiverBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("receiver-folders.png"));
        }
    }

    @Test
    void aDroppedFolderKeepsItsTree() throws Exception {
        Path root = Files.createDirectories(dir.resolve("in/Dropped"));
        Map<String, Path> tree = new TreeMap<>();
        tree.put("Dropped/a.txt", file(root, "a.txt", 100, 11));
        tree.put("Dropped/sub/deeper/b.bin", file(root, "sub/deeper/b.bin", 300_000, 12));
        tree.put("Dropped/sub/c d.txt", file(root, "sub/c d.txt", 10, 13));
        Path loose = TestFiles.random(Files.createDirectories(dir.resolve("loose")), "loose.txt", 20, 14);
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("sharer"))) {
            browser.open(TestServer.url(server).resolve("/"));
            SessionPage sharer = SessionPage.join(browser, TestServer.url(server).resolve("/").toString(), false);
            sharer.waitUntil("the start page", () -> browser.driver().findElement(By.id("start-view")).isDisplayed());
            // a drag from the file manager, as the browser delivers it: real entries, the folder walkable
            java.util.List<String> paths = java.util.List.of(root.toString(), loose.toString());
            for (String type : java.util.List.of("dragEnter", "dragOver", "drop")) {
                browser.driver().executeCdpCommand("Input.dispatchDragEvent", Map.of("type", type, "x", 400, "y", 300,
                        "data", Map.of("items", java.util.List.of(), "files", paths, "dragOperationsMask", 1)));
            }
            sharer.waitForText("4 files ·", Duration.ofSeconds(20));
            Path out = dir.resolve("cli-out");
            Cli.Result received = Cli.run(90, "receive", sharer.inviteLink(), "--out", out.toString());
            assertEquals(0, received.exitCode(), received.stderr());
            for (Map.Entry<String, Path> file : tree.entrySet()) {
                assertTrue(TestFiles.sameBytes(file.getValue(), out.resolve(file.getKey())), "the CLI's copy of " + file.getKey());
            }
            assertTrue(TestFiles.sameBytes(loose, out.resolve("loose.txt")));
            sharer.assertNoErrors();
        }
    }

    /** The zip's row says all of it was written: "X of X". */
    private static void assertProgressComplete(Browser browser, String zipName) {
        String stats = browser.driver().findElements(By.cssSelector(".transfer")).stream()
                .filter(row -> row.findElement(By.cssSelector(".transfer-name")).getText().equals(zipName))
                .findFirst().orElseThrow().findElement(By.cssSelector(".transfer-stats")).getText();
        String[] parts = stats.split(" · ")[0].split(" of ");
        assertEquals(parts[1], parts[0], "the zip's progress counts every byte written: " + stats);
    }

    /** The zip has exactly the files of {@code expected} (their names without {@code prefix}), byte for byte. */
    private static void assertZipHolds(Path zip, Map<String, Path> expected, String prefix) throws Exception {
        Map<String, Long> found = new TreeMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                assertEquals(ZipEntry.STORED, entry.getMethod(), "stored, not compressed: " + entry.getName());
                found.put(entry.getName(), entry.getSize());
                Path source = expected.get(prefix + entry.getName());
                assertTrue(source != null, "an entry that is not in the tree: " + entry.getName());
                try (var in = file.getInputStream(entry)) {
                    assertTrue(java.util.Arrays.equals(Files.readAllBytes(source), in.readAllBytes()), "bytes of " + entry.getName());
                }
            }
        }
        assertEquals(expected.keySet().stream().map(n -> n.substring(prefix.length())).toList(), java.util.List.copyOf(found.keySet()));
    }

    private static Path file(Path root, String relative, long size, long seed) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return TestFiles.random(file.getParent(), file.getFileName().toString(), size, seed);
    }
}
