package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.EventStream;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.ServerEvent;
import app.dragnshare.client.api.UnreachableException;
import app.dragnshare.client.crypto.ChunkCipher;
import app.dragnshare.client.crypto.OfferTerms;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.crypto.TamperingException;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * Downloads one file: asks for it with a fresh key and its HMAC, checks the sharer's signed
 * offer, then decrypts chunk by chunk into a hidden temporary file in the output folder. Only
 * when the last chunk has verified and every byte is there does the file get its real name
 * (its path, inside the output folder); on any failure the temporary file is deleted, so
 * nothing partial ever looks complete. Several downloads may share one Receiver at once.
 */
public final class Receiver {
    /** The server sends a heartbeat every 10 s; this much silence means the connection is dead. */
    private static final long SILENCE_LIMIT_NANOS = 45_000_000_000L;
    private static final int RETRIES_ON_503 = 4;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ServerApi api;
    private final Membership me;
    private final SessionKeys keys;
    private final Path folder;
    private final SecureRandom random = new SecureRandom();

    public Receiver(ServerApi api, Membership me, SessionKeys keys, Path folder) {
        this.api = api;
        this.me = me;
        this.keys = keys;
        this.folder = folder;
    }

    /**
     * Returns where the complete, verified file was saved. A 503 before the stream starts (the
     * instance is stopping or at capacity) started nothing, so it is retried a few times.
     */
    public Path download(RemoteFile file, Progress progress)
            throws TamperingException, TransferFailedException, IOException, ApiException, UnreachableException {
        for (int attempt = 1; ; attempt++) {
            try {
                return downloadOnce(file, progress);
            } catch (ApiException e) {
                if (e.status() != 503 || attempt == RETRIES_ON_503) {
                    throw e;
                }
                try {
                    Thread.sleep(1000L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Path downloadOnce(RemoteFile file, Progress progress)
            throws TamperingException, TransferFailedException, IOException, ApiException, UnreachableException {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String transferId = BASE64URL.encodeToString(id);
        TransferKeys own = new TransferKeys();
        byte[] mac = keys.requestMac(transferId, file.id(), own.publicKey());
        // createFile, not createTempFile: the saved file gets the user's usual permissions (umask), not 0600
        Path temp = Files.createFile(folder.resolve(".dns-" + transferId + ".part"));
        boolean complete = false;
        try (EventStream events = api.download(me, file.id(), transferId, BASE64URL.encodeToString(own.publicKey()),
                BASE64URL.encodeToString(mac), 4 * 1024 * 1024);
             Watchdog watchdog = new Watchdog(events);
             FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            Incoming incoming = null;
            ServerEvent event;
            while ((event = next(events)) != null) {
                switch (event.name()) {
                    case "offer" -> {
                        if (incoming != null) {
                            throw new TamperingException("the server sent a second offer");
                        }
                        incoming = accept(event, transferId, file, own);
                        progress.started(incoming.name, incoming.size);
                    }
                    case "chunk" -> {
                        if (incoming == null) {
                            throw new TamperingException("a chunk arrived before the offer");
                        }
                        int written = incoming.chunk(event, out);
                        progress.advanced(written);
                    }
                    case "end" -> {
                        if (incoming == null || !incoming.complete()) {
                            throw new TamperingException("the stream ended before the last chunk");
                        }
                        out.force(true);
                        complete = true;
                        Path saved = moveIntoPlace(temp, incoming.name);
                        progress.finished(true);
                        return saved;
                    }
                    case "error" -> throw failure(event);
                    default -> { } // unknown events are ignored, so the protocol can grow
                }
            }
            throw new TransferFailedException("connection-lost", "the connection closed before the file was complete");
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new TransferFailedException("interrupted", "interrupted");
            }
            throw e;
        } finally {
            if (!complete) {
                Files.deleteIfExists(temp);
                progress.finished(false);
            }
        }
    }

    /** The next event; a broken connection is a failed transfer, not a local I/O error. */
    private static ServerEvent next(EventStream events) throws TransferFailedException {
        try {
            return events.next();
        } catch (IOException e) {
            throw new TransferFailedException("connection-lost",
                    "lost the connection to the server before the file was complete (" + e.getMessage() + ")");
        }
    }

    private Incoming accept(ServerEvent event, String transferId, RemoteFile file, TransferKeys own)
            throws TamperingException {
        try {
            JsonFields offer = JsonFields.parse(event.text());
            byte[] senderKey = offer.base64Url("publicKey");
            OfferTerms terms = new OfferTerms(senderKey, offer.string("name"), offer.number("size"),
                    offer.number("chunkSize"), offer.number("chunks"));
            keys.verifyOffer(transferId, file.id(), own.publicKey(), terms, offer.base64Url("hmac"));
            if (terms.size() < 0 || terms.chunkSize() < 1 || terms.chunkSize() > 64 * 1024 * 1024
                    || terms.chunks() != Chunking.chunks(terms.size(), terms.chunkSize())) {
                throw new TamperingException("the offer's chunking does not add up");
            }
            ChunkCipher cipher = own.cipher(keys, transferId, senderKey, true);
            return new Incoming(terms.name(), terms.size(), (int) terms.chunkSize(), terms.chunks(), cipher);
        } catch (JsonException e) {
            throw new TamperingException("the offer is malformed: " + e.getMessage());
        }
    }

    /**
     * Gives the verified file its name, a relative path made safe inside the output folder
     * ({@link SafePath}); an existing file is never replaced: the name is numbered instead. One
     * at a time, so two downloads of the same name at once cannot both find it free.
     */
    private synchronized Path moveIntoPlace(Path temp, String name) throws IOException {
        Path target = SafePath.target(folder, name);
        String safe = target.getFileName().toString();
        for (int n = 1; ; n++) {
            try {
                return Files.move(temp, target); // never replaces: an existing file (or link) is kept
            } catch (FileAlreadyExistsException e) {
                if (n > 9999) {
                    throw e;
                }
                target = target.resolveSibling(SafeFileName.numbered(safe, n));
            }
        }
    }

    private static TransferFailedException failure(ServerEvent event) {
        try {
            JsonFields error = JsonFields.parse(event.text());
            return new TransferFailedException(error.string("code", "error"), error.string("message", "the transfer failed"));
        } catch (JsonException e) {
            return new TransferFailedException("error", "the transfer failed");
        }
    }

    /** The state of one incoming file: what the offer promised and how far the chunks got. */
    private static final class Incoming {
        private final String name;
        private final long size;
        private final int chunkSize;
        private final long chunks;
        private final ChunkCipher cipher;
        private final byte[] plain;
        private final byte[] ciphertext;
        private final ChunkDecoder base64 = new ChunkDecoder();
        private long next;
        private long written;

        Incoming(String name, long size, int chunkSize, long chunks, ChunkCipher cipher) {
            this.name = name;
            this.size = size;
            this.chunkSize = chunkSize;
            this.chunks = chunks;
            this.cipher = cipher;
            // a small file's buffers are its size: many small files must not cost a chunk's buffers each
            int largest = (int) Math.min(chunkSize, size);
            this.plain = new byte[largest];
            this.ciphertext = new byte[largest + ChunkCipher.TAG_LENGTH];
        }

        int chunk(ServerEvent event, FileChannel out) throws TamperingException, IOException {
            if (next >= chunks) {
                throw new TamperingException("more chunks arrived than the offer promised");
            }
            if (!Long.toString(next).equals(event.id())) {
                throw new TamperingException("chunk " + event.id() + " arrived where chunk " + next + " belongs");
            }
            // decoded into one buffer for the whole download: no allocation per chunk
            if (event.length() > 4 * ((ciphertext.length + 2) / 3)) {
                throw new TamperingException("chunk " + next + " has the wrong length");
            }
            int length;
            try {
                length = base64.decode(event.array(), event.offset(), event.length(), ciphertext);
            } catch (IllegalArgumentException e) {
                throw new TamperingException("chunk " + next + " is not valid base64");
            }
            int expected = Chunking.plainLength(size, chunkSize, next);
            if (length != expected + ChunkCipher.TAG_LENGTH) {
                throw new TamperingException("chunk " + next + " has the wrong length");
            }
            int n = cipher.open(next, next == chunks - 1, ciphertext, 0, length, plain, 0);
            ByteBuffer buffer = ByteBuffer.wrap(plain, 0, n);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            next++;
            written += n;
            return n;
        }

        boolean complete() {
            return next == chunks && written == size;
        }
    }

    /** Closes the stream when the server falls silent, so a dead connection cannot hang the download. */
    private static final class Watchdog implements AutoCloseable {
        private final Thread thread;

        Watchdog(EventStream events) {
            thread = Thread.ofVirtual().name("download-watchdog").start(() -> {
                try {
                    while (true) {
                        Thread.sleep(5_000);
                        if (System.nanoTime() - events.lastActivity() > SILENCE_LIMIT_NANOS) {
                            events.close();
                            return;
                        }
                    }
                } catch (InterruptedException | IOException e) {
                    // stopped
                }
            });
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
