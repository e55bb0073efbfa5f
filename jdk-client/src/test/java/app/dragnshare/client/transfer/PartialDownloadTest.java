package app.dragnshare.client.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of one chunk cannot be resumed (a resume always fetches the last chunk again), so its
 * part gets no resume record; a file of more chunks gets its record as soon as its offer is taken,
 * so a receive killed right after still resumes.
 */
class PartialDownloadTest {
    private static final int CHUNK = 256 * 1024;

    @TempDir
    Path folder;

    @Test
    void aFileOfOneChunkGetsNoRecordAndLeavesOnlyItself() throws Exception {
        byte[] bytes = "ten bytes!".getBytes();
        Path saved;
        try (PartialDownload part = PartialDownload.open(folder, "session", "file1",
                new PartialDownload.RemoteFileTerms("notes/a.txt", bytes.length))) {
            part.begin("notes/a.txt", bytes.length, CHUNK, 0);
            assertFalse(Files.exists(folder.resolve(".dns-file1.resume")), "no record for a file that cannot be resumed");
            part.write(0, bytes, bytes.length);
            assertFalse(Files.exists(folder.resolve(".dns-file1.resume")));
            saved = part.complete("notes/a.txt");
        }
        assertEquals(folder.resolve("notes/a.txt"), saved);
        assertArrayEquals(bytes, Files.readAllBytes(saved));
        assertEquals(List.of("notes"), names(folder), "no hidden part or record is left");
    }

    @Test
    void aFileOfOneChunkStoppedBeforeItsChunkLeavesNothing() throws Exception {
        try (PartialDownload part = PartialDownload.open(folder, "session", "file2",
                new PartialDownload.RemoteFileTerms("b.txt", 5))) {
            part.begin("b.txt", 5, CHUNK, 0);
        }
        assertEquals(List.of(), names(folder));
    }

    @Test
    void aFileOfTwoChunksIsRecordedFromItsOfferOnAndResumes() throws Exception {
        long size = CHUNK + 1000L;
        byte[] first = new byte[CHUNK];
        first[7] = 42;
        try (PartialDownload part = PartialDownload.open(folder, "session", "file3",
                new PartialDownload.RemoteFileTerms("c.bin", size))) {
            part.begin("c.bin", size, CHUNK, 0);
            assertTrue(Files.exists(folder.resolve(".dns-file3.resume")), "recorded at once, before the 2-second sync");
            part.write(0, first, first.length);
        }
        assertEquals(List.of(".dns-file3.part", ".dns-file3.resume"), names(folder));
        try (PartialDownload again = PartialDownload.open(folder, "session", "file3",
                new PartialDownload.RemoteFileTerms("c.bin", size))) {
            assertEquals(1, again.verifiedChunks(), "the next run resumes after the verified chunk");
            again.begin("c.bin", size, CHUNK, 1);
            again.write(1, new byte[1000], 1000);
            Path saved = again.complete("c.bin");
            assertEquals(size, Files.size(saved));
            assertEquals(42, Files.readAllBytes(saved)[7]);
        }
        assertEquals(List.of("c.bin"), names(folder));
    }

    private static List<String> names(Path dir) throws Exception {
        try (var listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
