package app.dragnshare.server.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.config.ConfigException;

class DataDirTest {
    @TempDir
    Path dir;

    @Test
    void theTokenKeyIsMadeOnceAndOnlyItsOwnerCanReadIt() throws Exception {
        Path root = dir.resolve("a").resolve("data");
        byte[] first;
        try (DataDir data = DataDir.open(root)) {
            first = data.jwtKey();
        }
        assertEquals(64, first.length, "48 random bytes in base64url");
        try (DataDir again = DataDir.open(root)) {
            assertArrayEquals(first, again.jwtKey(), "the same key on the next start");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("jwt-key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        try (var listing = Files.list(root)) {
            assertEquals(1, listing.count(), "no temporary file is left beside the key");
        }
    }

    @Test
    void aTruncatedKeyIsAClearErrorNotAWeakKey() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Files.writeString(root.resolve("jwt-key"), "short\n");
        try (DataDir data = DataDir.open(root)) {
            ConfigException e = assertThrows(ConfigException.class, data::jwtKey);
            assertTrue(e.getMessage().contains("Delete the file"), e.getMessage());
        }
    }

    @Test
    void aFolderThatCannotBeMadeSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> DataDir.open(file.resolve("data")));
        assertTrue(e.getMessage().contains("set DATA_DIR"), e.getMessage());
    }
}
