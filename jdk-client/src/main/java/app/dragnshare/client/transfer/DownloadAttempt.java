package app.dragnshare.client.transfer;

import java.io.IOException;
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
import app.dragnshare.client.crypto.KeyReuse;
import app.dragnshare.client.crypto.OfferTerms;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.crypto.TamperingException;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * One download request, from chunk {@code start} (PROTOCOL.md §4.8): a fresh transfer id, the
 * run's key pair, the sharer's signed offer checked against what the part already holds, then each
 * chunk decrypted and appended to the part, until the {@code end} event.
 */
final class DownloadAttempt {
    /** The server sends a heartbeat every 10 s; this much silence means the connection is dead. */
    private static final long SILENCE_LIMIT_NANOS = 45_000_000_000L;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the end of a complete attempt leaves for the receipt (§4.9). */
    record Completed(String transferId, String name, long chunks, byte[] offerMac, byte[] receiptKey) {
        String receipt() {
            return BASE64URL.encodeToString(SessionKeys.receipt(receiptKey, transferId, offerMac, chunks));
        }
    }

    /** The offer is for another file than the part holds: the part must be started over. */
    static final class Mismatch extends Exception {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** Hears the first verified offer of an attempt (to start the progress bar). */
    interface Offered {
        void offered(String name, long size, long start, long chunkSize) throws IOException;
    }

    private final ServerApi api;
    private final Membership me;
    private final SessionKeys keys;
    private final RemoteFile file;
    private final PartialDownload part;
    private final long start;
    private final String transferId;
    private final TransferKeys own;
    private final ChunkDecoder base64 = new ChunkDecoder();
    private boolean toldTampered;
    private final AckSocket acks;

    /**
     * {@code reuse} gives the key pair: the one of this run's earlier requests while it may serve
     * more (§4.10). {@code acks}: where to acknowledge each verified chunk, for a paced download
     * (§7); null for an unpaced one.
     */
    DownloadAttempt(ServerApi api, Membership me, SessionKeys keys, KeyReuse reuse, RemoteFile file, PartialDownload part,
                    AckSocket acks) {
        this.api = api;
        this.acks = acks;
        this.me = me;
        this.keys = keys;
        this.file = file;
        this.part = part;
        this.start = part.verifiedChunks();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        this.transferId = BASE64URL.encodeToString(id);
        this.own = reuse.forRequest(transferId);
    }

    String transferId() {
        return transferId;
    }

    long start() {
        return start;
    }

    Completed run(Offered offered, Progress progress)
            throws TamperingException, TransferFailedException, IOException, ApiException, UnreachableException, Mismatch {
        byte[] mac = keys.requestMac(transferId, file.id(), own.publicKey(), start);
        try (EventStream events = api.download(me, file.id(), transferId, BASE64URL.encodeToString(own.publicKey()),
                BASE64URL.encodeToString(mac), start, acks != null, 4 * 1024 * 1024);
             Watchdog watchdog = new Watchdog(events)) {
            try {
                return receive(events, offered, progress);
            } catch (TamperingException e) {
                // said while the stream is still open: a sharer whose relay saw the stream close first
                // would hear "receiver gone" instead of "altered" (PROTOCOL.md §5.6)
                reportTampering();
                throw e;
            }
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new TransferFailedException("interrupted", "interrupted");
            }
            throw e;
        }
    }

    /** Reads the stream: the offer, then each chunk into the part, until {@code end}. */
    private Completed receive(EventStream events, Offered offered, Progress progress)
            throws TamperingException, TransferFailedException, IOException, Mismatch {
        Incoming incoming = null;
        ServerEvent event;
        while ((event = next(events)) != null) {
            switch (event.name()) {
                case "offer" -> {
                    if (incoming != null) {
                        throw new TamperingException("the server sent a second offer");
                    }
                    incoming = accept(event);
                    events.expectChunkData(incoming.nextDataLength());
                    offered.offered(incoming.name, incoming.size, start, incoming.chunkSize);
                }
                case "chunk" -> {
                    if (incoming == null) {
                        throw new TamperingException("a chunk arrived before the offer");
                    }
                    progress.advanced(incoming.chunk(event));
                    events.expectChunkData(incoming.nextDataLength());
                }
                case "end" -> {
                    if (incoming == null || part.verifiedChunks() != incoming.chunks) {
                        throw new TamperingException("the stream ended before the last chunk");
                    }
                    finish(events);
                    return new Completed(transferId, incoming.name, incoming.chunks, incoming.offerMac, incoming.receiptKey);
                }
                case "error" -> throw failure(event);
                default -> { } // unknown events are ignored, so the protocol can grow
            }
        }
        throw new TransferFailedException("connection-lost", "the connection closed before the file was complete");
    }

    /** Reads the stream's end, so its connection can serve the next file (a short stream's does). */
    private static void finish(EventStream events) {
        try {
            events.finish(64 * 1024);
        } catch (IOException e) {
            // the file is complete; the connection is just not reused
        }
    }

    /** Tells the sharer (through the server) that a check failed; at most once, never failing itself. */
    void reportTampering() {
        if (toldTampered) {
            return;
        }
        toldTampered = true;
        try {
            api.report(me, transferId, start, null, "tampered");
        } catch (ApiException | UnreachableException e) {
            // the relay may be the one tampering; the sharer then hears nothing, and reports the file unconfirmed
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

    private Incoming accept(ServerEvent event) throws TamperingException, IOException, Mismatch {
        OfferTerms terms;
        byte[] offerMac;
        try {
            JsonFields offer = JsonFields.parse(event.text());
            terms = new OfferTerms(offer.base64Url("publicKey"), offer.string("name"), offer.number("size"),
                    offer.number("chunkSize"), offer.number("chunks"), start);
            offerMac = offer.base64Url("hmac");
        } catch (JsonException e) {
            throw new TamperingException("the offer is malformed: " + e.getMessage());
        }
        keys.verifyOffer(transferId, file.id(), own.publicKey(), terms, offerMac);
        if (terms.size() < 0 || terms.chunkSize() < 1 || terms.chunkSize() > 64 * 1024 * 1024
                || terms.chunks() != Chunking.chunks(terms.size(), terms.chunkSize()) || start >= terms.chunks()) {
            throw new TamperingException("the offer's chunking does not add up");
        }
        if (!part.matches(terms.name(), terms.size(), terms.chunkSize())) {
            throw new Mismatch("the file offered now differs from the part received before (name, size or chunk size "
                    + "changed); starting over");
        }
        part.begin(terms.name(), terms.size(), terms.chunkSize(), start);
        TransferKeys.Agreed agreed = own.agree(keys, transferId, terms.senderKey(), true);
        return new Incoming(terms, agreed, offerMac);
    }

    private static TransferFailedException failure(ServerEvent event) {
        try {
            JsonFields error = JsonFields.parse(event.text());
            return new TransferFailedException(error.string("code", "error"), error.string("message", "the transfer failed"));
        } catch (JsonException e) {
            return new TransferFailedException("error", "the transfer failed");
        }
    }

    /** What the verified offer promised, and the buffers its chunks go through. */
    private final class Incoming {
        private final String name;
        private final long size;
        private final int chunkSize;
        private final long chunks;
        private final ChunkCipher cipher;
        private final byte[] receiptKey;
        private final byte[] offerMac;
        private final byte[] plain;
        private final byte[] ciphertext;

        Incoming(OfferTerms terms, TransferKeys.Agreed agreed, byte[] offerMac) {
            this.name = terms.name();
            this.size = terms.size();
            this.chunkSize = (int) terms.chunkSize();
            this.chunks = terms.chunks();
            this.cipher = agreed.cipher();
            this.receiptKey = agreed.receiptKey();
            this.offerMac = offerMac;
            // a small file's buffers are its size: many small files must not cost a chunk's buffers each
            int largest = (int) Math.min(chunkSize, size);
            this.plain = new byte[largest];
            this.ciphertext = new byte[largest + ChunkCipher.TAG_LENGTH];
        }

        /** Decrypts the next chunk into the part; returns its plaintext length. */
        int chunk(ServerEvent event) throws TamperingException, IOException {
            long next = part.verifiedChunks();
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
            if (length != Chunking.plainLength(size, chunkSize, next) + ChunkCipher.TAG_LENGTH) {
                throw new TamperingException("chunk " + next + " has the wrong length");
            }
            int n = cipher.open(next, next == chunks - 1, ciphertext, 0, length, plain, 0);
            part.write(next, plain, n);
            if (acks != null && next + 1 < chunks) {
                // after the write: a run killed now resumes after this chunk, so at most the window is lost
                acks.ack(transferId, next + 1);
            }
            return n;
        }

        /** Length of the next chunk event's data (base64 with padding of its ciphertext); -1 after the last. */
        int nextDataLength() {
            long next = part.verifiedChunks();
            return next < chunks ? 4 * ((Chunking.plainLength(size, chunkSize, next) + ChunkCipher.TAG_LENGTH + 2) / 3) : -1;
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
