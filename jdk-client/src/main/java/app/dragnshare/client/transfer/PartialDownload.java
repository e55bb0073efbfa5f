package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import app.dragnshare.client.json.Json;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * A download's hidden part in the output folder, {@code .dns-{fileId}.part}, and beside it the
 * record of what the part is, {@code .dns-{fileId}.resume}: the session, the file id, name, size
 * and chunk size it belongs to. The part holds only verified chunks, written in order, so its
 * whole chunks are what was verified; a later run resumes after them (PROTOCOL.md §4.8). After
 * a reboot the part's length may run ahead of data the disk never got, so the record also keeps
 * a count that was forced to disk, and the boot it was written in; a thread of its own forces
 * the part every two seconds, so the download never waits for the disk. A part whose record does
 * not match is started over, never mixed. A run holds a lock on the part while it writes.
 * A file of one chunk gets no record at all: a resume always fetches the last chunk again, so
 * nothing of it could be kept; it costs one forced write, before it gets its name.
 */
final class PartialDownload implements AutoCloseable {
    /** Downloads running at once give their files names one at a time (see moveIntoPlace). */
    private static final Object MOVES = new Object();

    private static final long SYNC_EVERY_NANOS = 2_000_000_000L;
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final Path folder;
    private final Path part;
    private final Path record;
    private final String sessionId;
    private final String fileId;
    private final FileChannel channel;
    private final FileLock lock;
    /** The file the part belongs to once an offer was accepted (or from the record); null before. */
    private String name;
    private long size;
    private long chunkSize;
    private volatile long verified; // read by the progress reports
    /** Chunks known to be on disk (forced), as the record last said. */
    private long durable;
    /** Forces the part and rewrites the record, every {@link #SYNC_EVERY_NANOS}, while the part is written. */
    private Thread syncer;
    private volatile boolean closing;
    /** Why a part found on disk was not reused, or null. */
    private final String discarded;
    /** Whether a record may be on disk (one was found, or written since): only then is there one to delete. */
    private boolean recorded;

    private PartialDownload(Path folder, String sessionId, String fileId, FileChannel channel, FileLock lock,
                            Map<String, Object> saved, RemoteFileTerms listed) throws IOException {
        this.folder = folder;
        this.part = folder.resolve(".dns-" + fileId + ".part");
        this.record = folder.resolve(".dns-" + fileId + ".resume");
        this.sessionId = sessionId;
        this.fileId = fileId;
        this.channel = channel;
        this.lock = lock;
        this.recorded = saved != null;
        this.discarded = adopt(saved, listed);
    }

    /** What the file list says of the file; the offer's signed terms are checked later. */
    record RemoteFileTerms(String name, long size) {
    }

    /**
     * Opens (or creates) the part of {@code fileId} in {@code folder} and takes over what an earlier
     * run verified, if its record matches the session and the listed file.
     *
     * @throws PartInUseException if another run is writing the same part
     */
    static PartialDownload open(Path folder, String sessionId, String fileId, RemoteFileTerms listed) throws IOException {
        Path part = folder.resolve(".dns-" + fileId + ".part");
        // createFile semantics through CREATE: the saved file gets the user's usual permissions (umask), not 0600
        FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new PartInUseException("another drag-n-share receive is saving this file into " + folder + " right now");
        }
        return new PartialDownload(folder, sessionId, fileId, channel, lock, read(folder.resolve(".dns-" + fileId + ".resume")), listed);
    }

    /** Chunks verified so far: where a request resumes. */
    long verifiedChunks() {
        return verified;
    }

    /** The chunk size the verified chunks were cut with (0 while none are). */
    long chunkSize() {
        return chunkSize;
    }

    String discarded() {
        return discarded;
    }

    /** Whether what was verified so far belongs to this offer (the HMAC-checked terms). */
    boolean matches(String offeredName, long offeredSize, long offeredChunkSize) {
        return verified == 0 || offeredName.equals(name) && offeredSize == size && offeredChunkSize == chunkSize;
    }

    /** The verified offer's terms; from chunk {@code start} on, the part is rewritten. */
    void begin(String offeredName, long offeredSize, long offeredChunkSize, long start) throws IOException {
        if (start != verified || !matches(offeredName, offeredSize, offeredChunkSize)) {
            throw new IllegalStateException("begin at " + start + " with " + verified + " chunks verified");
        }
        name = offeredName;
        size = offeredSize;
        chunkSize = offeredChunkSize;
        if (Chunking.chunks(size, chunkSize) == 1) {
            return; // nothing of it can be resumed: no record, no syncing (the part is empty, start is 0)
        }
        channel.truncate(Math.min(size, start * chunkSize)); // drops a chunk that was half written when we stopped
        channel.position(Math.min(size, start * chunkSize));
        sync();
        if (syncer == null) {
            syncer = Thread.ofVirtual().name("part-sync").start(this::syncEvery);
        }
    }

    /** Writes chunk {@code index}'s verified plaintext at the end of the part. */
    void write(long index, byte[] plain, int length) throws IOException {
        if (index != verified) {
            throw new IllegalStateException("chunk " + index + " written where " + verified + " belongs");
        }
        ByteBuffer buffer = ByteBuffer.wrap(plain, 0, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        verified++;
    }

    /** Forgets what was verified: the next request starts at chunk 0. */
    synchronized void restart() throws IOException {
        verified = 0;
        durable = 0;
        name = null;
        chunkSize = 0;
        channel.truncate(0);
        deleteRecord();
    }

    /**
     * The file is complete: forces its bytes to disk (so a crash cannot leave a short file under
     * its name), gives the part its name in the folder (never replacing a file) and drops the record.
     */
    Path complete(String name) throws IOException {
        channel.force(false); // the data and the file's size; its times need no forced write
        release();
        Path saved = moveIntoPlace(name);
        deleteRecord();
        return saved;
    }

    /** Nothing of it is to be kept (tampering, or a file that is no longer shared). */
    void discard() throws IOException {
        release();
        Files.deleteIfExists(part);
        deleteRecord();
    }

    /** Keeps the part and its record for a later run; an empty one is removed. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        stopSyncing();
        try {
            if (verified > 0 && name != null && Chunking.chunks(size, chunkSize) > 1) {
                writeRecord();
            }
        } finally {
            lock.release();
            channel.close();
        }
        if (verified == 0) {
            Files.deleteIfExists(part);
            deleteRecord();
        }
    }

    /** Stops writing the part without keeping a record of it (it is complete, or discarded). */
    private void release() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        stopSyncing();
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    private void deleteRecord() throws IOException {
        if (recorded) {
            Files.deleteIfExists(record);
            recorded = false;
        }
    }

    /** Forces what was written so far to disk, then says so in the record: that count survives a power cut. */
    private synchronized void sync() throws IOException {
        if (name == null) {
            return; // started over, and no offer taken yet: nothing to say
        }
        long written = verified; // every chunk counted here was written before: force() takes it to disk
        channel.force(false);
        durable = Math.max(durable, written);
        writeRecord();
    }

    private void syncEvery() {
        try {
            while (!closing) {
                LockSupport.parkNanos(SYNC_EVERY_NANOS); // not sleep(): an interrupt would close the channel inside force()
                if (!closing && channel.isOpen()) {
                    sync();
                }
            }
        } catch (IOException e) {
            // the download fails on its own writes; a record that lags only costs a few chunks again
        }
    }

    private void stopSyncing() {
        closing = true;
        Thread t = syncer;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes the record: a copy, then renamed over it, so a crash leaves the old one or the new one. */
    private synchronized void writeRecord() throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("version", 1L);
        fields.put("sessionId", sessionId);
        fields.put("fileId", fileId);
        fields.put("name", name);
        fields.put("size", size);
        fields.put("chunkSize", chunkSize);
        fields.put("durable", durable);
        String boot = bootId();
        if (boot != null) {
            fields.put("boot", boot);
        }
        Path copy = folder.resolve(".dns-" + fileId + ".resume.new");
        recorded = true;
        Files.writeString(copy, Json.write(fields), StandardCharsets.UTF_8);
        try {
            Files.move(copy, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(copy, record, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Takes over an earlier run's part if its record matches; otherwise empties it and says why. */
    private String adopt(Map<String, Object> saved, RemoteFileTerms listed) throws IOException {
        long length = channel.size();
        if (saved == null) {
            if (length > 0) {
                restart();
                return "a part without its record was found; starting over";
            }
            return null; // a new part: nothing to empty
        }
        try {
            JsonFields r = new JsonFields(saved);
            boolean same = r.number("version") == 1 && sessionId.equals(r.string("sessionId"))
                    && fileId.equals(r.string("fileId")) && listed.name().equals(r.string("name"))
                    && listed.size() == r.number("size") && r.number("chunkSize") > 0;
            if (!same) {
                restart();
                return "the part of an earlier download belongs to another session, file or size; starting over";
            }
            long chunkSizeSaved = r.number("chunkSize");
            long chunks = Chunking.chunks(listed.size(), chunkSizeSaved);
            // same boot: the part's whole chunks are on disk; after a reboot, only what was forced there
            long whole = length / chunkSizeSaved;
            if (bootId() == null || !bootId().equals(r.string("boot", ""))) {
                whole = Math.min(whole, r.number("durable"));
            }
            long usable = Math.min(whole, chunks - 1);
            if (usable <= 0) {
                restart();
                return null;
            }
            name = r.string("name");
            size = r.number("size");
            chunkSize = chunkSizeSaved;
            durable = Math.min(usable, r.number("durable"));
            verified = usable; // the last chunk is always fetched again, so the receipt covers a real end
            return null;
        } catch (JsonException | RuntimeException e) {
            restart();
            return "the record of an earlier download is damaged; starting over";
        }
    }

    /**
     * Gives the verified file its name, a relative path made safe inside the output folder
     * ({@link SafePath}: its folders made without following links); an existing file is never
     * replaced: the name is numbered instead. One move at a time, so two downloads of the same
     * name at once cannot both find it free.
     */
    private Path moveIntoPlace(String name) throws IOException {
        synchronized (MOVES) {
            Path target = SafePath.target(folder, name);
            String safe = target.getFileName().toString();
            for (int n = 1; ; n++) {
                try {
                    return Files.move(part, target); // never replaces: an existing file (or link) is kept
                } catch (FileAlreadyExistsException e) {
                    if (n > 9999) {
                        throw e;
                    }
                    target = target.resolveSibling(SafeFileName.numbered(safe, n));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path record) {
        try {
            return Json.parse(Files.readString(record, StandardCharsets.UTF_8)) instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
        } catch (IOException e) {
            return null;
        } catch (JsonException | RuntimeException e) {
            return Map.of(); // damaged: adopt() starts over and says so
        }
    }

    /** Changes with every boot of a Linux machine; null elsewhere (then only forced counts are trusted). */
    private static String bootId() {
        try {
            return Files.readString(BOOT_ID).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Another run holds the part's lock. */
    static final class PartInUseException extends IOException {
        PartInUseException(String message) {
            super(message);
        }
    }
}
