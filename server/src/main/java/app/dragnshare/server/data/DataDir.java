package app.dragnshare.server.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.config.ServerConfig;

/**
 * DATA_DIR: what the server keeps across restarts, each thing made the first time it is needed.
 * <pre>
 * DATA_DIR/                 mode 700
 *   jwt-key                 the token key when JWT_KEY is unset (mode 600, made once)
 *   redis/sessions.rdb      the embedded Redis's snapshot (sessions, members, file lists; no chunks)
 *   redis/lock              held while an embedded Redis of ours uses the folder
 *   redis/*.pid             its redis-servers' process ids (a killed server's are stopped at the next start)
 *   tls-cert.pem, tls-key.pem   the TLS_SELF_SIGNED certificate and its key (mode 600)
 * </pre>
 */
public final class DataDir implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DataDir.class.getName());
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final int JWT_KEY_RANDOM_BYTES = 48;

    private final Path root;
    private FileChannel lockFile;
    private FileLock lock;

    private DataDir(Path root) {
        this.root = root;
    }

    /**
     * The data folder, if this configuration keeps anything in it: an embedded Redis's sessions,
     * the token key (JWT_KEY unset) or the self-signed certificate. With REDIS_URL, JWT_KEY and
     * no TLS_SELF_SIGNED (the compose deployment, on a read-only file system) nothing is made.
     */
    public static Optional<DataDir> openIfNeeded(ServerConfig config) {
        boolean needed = config.embeddedRedis() || config.jwtKeyInDataDir() || config.tlsSelfSigned();
        return needed ? Optional.of(open(config.dataDir())) : Optional.empty();
    }

    /** Makes the folder (owner only) if it does not exist; a folder that cannot be made or written is a clear startup error. */
    public static DataDir open(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        createFolder(absolute);
        if (!Files.isWritable(absolute)) {
            throw new ConfigException("DATA_DIR " + absolute + " is not writable by this user; set DATA_DIR to a folder it may write");
        }
        return new DataDir(absolute);
    }

    public Path root() {
        return root;
    }

    /** The folder the embedded Redis snapshots into. */
    public Path redisFolder() {
        Path folder = root.resolve("redis");
        createFolder(folder);
        return folder;
    }

    public Path file(String name) {
        return root.resolve(name);
    }

    /**
     * Claims the folder for this process's embedded Redis: two redis-servers saving one snapshot
     * would overwrite each other's sessions. The lock goes with the process, even on a crash.
     */
    public synchronized void lockForEmbeddedRedis() {
        Path path = redisFolder().resolve("lock");
        try {
            lockFile = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already (a second server in one process)
        } catch (IOException e) {
            throw new ConfigException("cannot lock " + path + " (" + e.getMessage() + "); set DATA_DIR to a folder on a local disk");
        }
        if (lock == null) {
            closeQuietly();
            throw new ConfigException("DATA_DIR " + root + " is in use by another Drag-n-Share server on this machine (its "
                    + "embedded Redis keeps its sessions there): stop that one, or give this one its own DATA_DIR");
        }
    }

    /**
     * The token key kept in {@code jwt-key}: made once (48 random bytes, base64url, mode 600) and
     * read on every later start, so tokens, and with them open sessions, survive a restart.
     */
    public byte[] jwtKey() {
        Path path = root.resolve("jwt-key");
        if (!Files.exists(path)) {
            byte[] random = new byte[JWT_KEY_RANDOM_BYTES];
            new SecureRandom().nextBytes(random);
            try {
                writeOwnerOnly(path, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
                LOG.info("made a new token key in " + path);
            } catch (FileAlreadyExistsException e) {
                // another server on this folder made it just now: use that one
            } catch (IOException e) {
                throw new ConfigException("cannot write the token key " + path + " (" + e.getMessage() + "); set JWT_KEY, or "
                        + "DATA_DIR to a folder this user may write");
            }
        }
        try {
            warnIfOthersCanRead(path);
            byte[] key = Files.readString(path, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            if (key.length < ServerConfig.MIN_JWT_KEY_BYTES) {
                throw new ConfigException(path + " holds only " + key.length + " bytes; a token key needs at least "
                        + ServerConfig.MIN_JWT_KEY_BYTES + ". Delete the file to have a new key made (this signs everyone out).");
            }
            return key;
        } catch (IOException e) {
            throw new ConfigException("cannot read the token key " + path + " (" + e.getMessage() + ")");
        }
    }

    /** Writes a new file readable by its owner only; fails if it exists. */
    public static void writeOwnerOnly(Path path, String content) throws IOException {
        FileAttribute<?>[] attributes = posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".new", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(content));
                channel.force(true);
            }
            // a link appears whole or not at all and never replaces: a reader never sees half a key
            try {
                Files.createLink(path, temporary);
            } catch (UnsupportedOperationException e) {
                Files.move(temporary, path); // no hard links here (FAT): a move, which never replaces either
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void warnIfOthersCanRead(Path path) throws IOException {
        if (posix(path) && !OWNER_ONLY_FILE.containsAll(Files.getPosixFilePermissions(path))) {
            LOG.warning(path + " can be read by other users of this machine, who could then forge tokens: chmod 600 it");
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void createFolder(Path folder) {
        if (Files.isDirectory(folder)) {
            return;
        }
        try {
            if (posix(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
            } else {
                Files.createDirectories(folder);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot make the data folder " + folder + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set DATA_DIR to a folder this user may write");
        }
    }

    private void closeQuietly() {
        try {
            if (lockFile != null) {
                lockFile.close(); // releases the lock too
            }
        } catch (IOException e) {
            LOG.fine(() -> "closing the data folder's lock: " + e.getMessage());
        }
        lockFile = null;
        lock = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
