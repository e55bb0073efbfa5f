package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

import app.dragnshare.client.api.SharerConnection;
import app.dragnshare.client.crypto.ChunkCipher;
import app.dragnshare.client.crypto.KeyReuse;
import app.dragnshare.client.crypto.OfferTerms;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.crypto.TamperingException;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * Serves this client's files over its sharer connection: checks each request's HMAC, answers
 * with a signed offer, then encrypts and sends exactly the chunks the server pulls, from the
 * request's start (a resumed download) on. Each transfer reads, encrypts and sends on its own
 * virtual thread. A file counts as delivered only when the receiver's receipt verifies
 * (PROTOCOL.md §4.9); a transfer that ends without one is reported as not delivered.
 */
public final class Sender implements SharerConnection.Handler {
    /** Hears what happens, for the command line. */
    public interface Events {
        /** The receiver's receipt verified: it holds the whole file, checked. */
        void delivered(SharedFile file);

        /**
         * A transfer ended after its last chunk (or was stopped for tampering) without a receipt
         * that verifies; {@code tampered} when the receipt, the relay or the receiver said the
         * transfer was altered.
         */
        void notDelivered(SharedFile file, String reason, boolean tampered);

        /** A transfer stopped before its end; the receiver may resume it with a new request. */
        void failed(SharedFile file, String reason);

        void refused(String reason);

        void disconnected(int code, String reason);
    }

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    /** After "done", the server sends receipt, unconfirmed or cancel within RECEIPT_TIMEOUT (at most 90 s). */
    private static final long RECEIPT_WAIT_MILLIS = 120_000;

    private final SessionKeys keys;
    private final Map<String, SharedFile> files;
    private final Events events;
    private final int chunkSize;
    private final Map<String, Outgoing> transfers = new ConcurrentHashMap<>();
    /** Answers a receiver key's requests with one key pair, within bounds (PROTOCOL.md §4.10). */
    private final KeyReuse keyReuse = new KeyReuse();
    private volatile SharerConnection connection;

    public Sender(SessionKeys keys, List<SharedFile> files, int chunkSize, Events events) {
        this.keys = keys;
        this.files = files.stream().collect(Collectors.toMap(SharedFile::id, Function.identity(), (a, b) -> a,
                LinkedHashMap::new));
        this.chunkSize = chunkSize;
        this.events = events;
    }

    /** The connection to answer on; set again after a reconnect. */
    public void attach(SharerConnection connection) {
        this.connection = connection;
    }

    @Override
    public void onMessage(JsonFields message) {
        try {
            switch (message.string("type", "")) {
                case "request" -> request(message);
                case "pull" -> pull(message.string("transferId"), message.number("index"));
                case "done" -> lastChunkSent(message.string("transferId"));
                case "receipt" -> receipt(message.string("transferId"), message.string("receipt", ""));
                case "unconfirmed" -> {
                    Outgoing transfer = transfers.remove(message.string("transferId"));
                    if (transfer != null) {
                        transfer.stop();
                        events.notDelivered(transfer.file, "the receiver did not confirm it: it stopped, failed or runs an "
                                + "older version that sends no receipt", false);
                    }
                }
                case "cancel", "error" -> {
                    String id = message.string("transferId", null);
                    Outgoing transfer = id == null ? null : transfers.remove(id);
                    if (transfer != null) {
                        transfer.stop();
                        String reason = message.string("message", "cancelled");
                        if ("tampered".equals(message.string("code", ""))) {
                            events.notDelivered(transfer.file, reason, true);
                        } else if (transfer.lastChunkSent) {
                            events.notDelivered(transfer.file, reason, false);
                        } else {
                            events.failed(transfer.file, reason);
                        }
                    }
                }
                default -> { } // verified progress and session events matter to the page, not to the CLI
            }
        } catch (JsonException e) {
            events.refused("the server sent a malformed message: " + e.getMessage());
        }
    }

    @Override
    public void onClosed(int code, String reason) {
        for (Outgoing transfer : transfers.values()) {
            transfer.stop();
            if (transfer.lastChunkSent) {
                events.notDelivered(transfer.file, "the connection to the server closed before the receipt came", false);
            } else {
                events.failed(transfer.file, "the connection to the server closed");
            }
        }
        transfers.clear();
        events.disconnected(code, reason);
    }

    private void request(JsonFields message) throws JsonException {
        String transferId = message.string("transferId");
        String fileId = message.string("fileId");
        SharedFile file = files.get(fileId);
        if (file == null) {
            decline(transferId, "unavailable");
            return;
        }
        try {
            byte[] receiverKey = message.base64Url("publicKey");
            long start = message.number("start", 0);
            if (start < 0) {
                throw new JsonException("start must not be negative");
            }
            try {
                keys.verifyRequest(transferId, fileId, receiverKey, start, message.base64Url("hmac"));
            } catch (TamperingException e) {
                // what a receiver whose link's secret is mistyped or cut sends; a relay that swapped the key looks the same
                events.refused("someone with an incomplete or mistyped invite link asked for " + file.name()
                        + "; nothing was sent (the request does not verify against this session's key; if their link "
                        + "is right, someone altered the connection)");
                decline(transferId, "tampered");
                return;
            }
            long chunks = Chunking.chunks(file.size(), chunkSize);
            if (start >= chunks) {
                events.refused("refused to resume a download at chunk " + start + " of " + chunks);
                decline(transferId, "bad-start");
                return;
            }
            TransferKeys own = keyReuse.forOffer(receiverKey, transferId); // this receiver key's pair, ECDH done once
            TransferKeys.Agreed agreed = own.agree(keys, transferId, receiverKey, false);
            OfferTerms terms = new OfferTerms(own.publicKey(), file.name(), file.size(), chunkSize, chunks, start);
            byte[] offerMac = keys.offerMac(transferId, fileId, receiverKey, terms);
            Outgoing transfer = new Outgoing(transferId, file, agreed, chunks, start, offerMac);
            transfers.put(transferId, transfer);
            Map<String, Object> offer = new LinkedHashMap<>();
            offer.put("type", "offer");
            offer.put("transferId", transferId);
            offer.put("publicKey", BASE64URL.encodeToString(own.publicKey()));
            offer.put("hmac", BASE64URL.encodeToString(offerMac));
            offer.put("name", file.name());
            offer.put("size", file.size());
            offer.put("chunkSize", (long) chunkSize);
            offer.put("chunks", chunks);
            try {
                connection.sendText(offer);
            } catch (IllegalStateException closed) {
                transfers.remove(transferId, transfer); // the connection ended: nothing to stop or report later
                throw closed;
            }
            transfer.start();
        } catch (TamperingException e) {
            events.refused("refused a download request: " + e.getMessage());
            decline(transferId, "tampered");
        } catch (JsonException e) {
            events.refused("refused a malformed download request: " + e.getMessage());
            decline(transferId, "declined");
        }
    }

    /**
     * Queues a pulled chunk. Each index is served once and in order: a repeated pull would make us
     * encrypt a chunk again under the same key and nonce (PROTOCOL.md §6.1), so a relay that asks
     * out of order is tampering and the transfer stops.
     */
    private void pull(String transferId, long index) {
        Outgoing transfer = transfers.get(transferId);
        if (transfer == null) {
            return;
        }
        if (index == transfer.nextPull && index < transfer.chunks) {
            transfer.nextPull++;
            transfer.pulls.add(index);
            return;
        }
        if (transfers.remove(transferId, transfer)) {
            transfer.stop();
            cancel(transferId, "tampered");
            events.notDelivered(transfer.file, "tampering detected: the server asked for chunk " + index + " where chunk "
                    + transfer.nextPull + " of " + transfer.chunks + " was due; stopped, so no chunk is encrypted twice", true);
        }
    }

    /** The last chunk left the server: stop reading the file, and wait a bounded time for the receipt. */
    private void lastChunkSent(String transferId) {
        Outgoing transfer = transfers.get(transferId);
        if (transfer == null || transfer.lastChunkSent) {
            return;
        }
        transfer.lastChunkSent = true;
        transfer.stop();
        Thread.ofVirtual().name("receipt-" + transferId).start(() -> {
            try {
                Thread.sleep(RECEIPT_WAIT_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (transfers.remove(transferId, transfer)) {
                events.notDelivered(transfer.file, "no receipt came from the receiver within "
                        + RECEIPT_WAIT_MILLIS / 1000 + " s", false);
            }
        });
    }

    /** Delivered only if the receipt is the receiver's MAC over this transfer's offer (PROTOCOL.md §4.9). */
    private void receipt(String transferId, String receipt) {
        Outgoing transfer = transfers.remove(transferId);
        if (transfer == null) {
            return;
        }
        transfer.stop();
        byte[] expected = SessionKeys.receipt(transfer.receiptKey, transferId, transfer.offerMac, transfer.chunks);
        byte[] given;
        try {
            given = BASE64URL_DECODER.decode(receipt);
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        if (MessageDigest.isEqual(expected, given)) {
            events.delivered(transfer.file);
        } else {
            events.notDelivered(transfer.file, "tampering detected: the receipt does not verify, so the receiver's "
                    + "confirmation was forged or altered on the way", true);
        }
    }

    private void cancel(String transferId, String code) {
        Map<String, Object> cancel = new LinkedHashMap<>();
        cancel.put("type", "cancel");
        cancel.put("transferId", transferId);
        if (code != null) {
            cancel.put("code", code);
        }
        try {
            connection.sendText(cancel);
        } catch (RuntimeException closed) {
            // the connection is gone; the server fails the transfer anyway
        }
    }

    private void decline(String transferId, String code) {
        connection.sendText(Map.of("type", "decline", "transferId", transferId, "code", code));
    }

    /** One transfer's worker: takes pulled indexes, reads, encrypts into one frame buffer, sends. */
    private final class Outgoing {
        private final String transferId;
        private final byte[] idBytes;
        private final SharedFile file;
        private final ChunkCipher cipher;
        private final byte[] receiptKey;
        private final byte[] offerMac;
        private final long chunks;
        private final BlockingQueue<Long> pulls = new LinkedBlockingQueue<>();
        /** The index the next pull must name (first the request's start); touched only by the connection's listener. */
        private long nextPull;
        /** Set by "done": the file is read no more, the receipt is awaited. */
        private volatile boolean lastChunkSent;
        private volatile Thread worker;

        Outgoing(String transferId, SharedFile file, TransferKeys.Agreed agreed, long chunks, long start, byte[] offerMac) {
            this.transferId = transferId;
            this.idBytes = BASE64URL_DECODER.decode(transferId);
            this.file = file;
            this.cipher = agreed.cipher();
            this.receiptKey = agreed.receiptKey();
            this.offerMac = offerMac;
            this.chunks = chunks;
            this.nextPull = start;
        }

        void start() {
            worker = Thread.ofVirtual().name("send-" + transferId).start(this::run);
        }

        void stop() {
            Thread t = worker;
            if (t != null) {
                t.interrupt();
            }
        }

        private void run() {
            int largest = (int) Math.min(chunkSize, file.size()); // a small file needs no chunk-sized buffers
            byte[] plain = new byte[largest];
            byte[] frame = new byte[20 + largest + ChunkCipher.TAG_LENGTH];
            System.arraycopy(idBytes, 0, frame, 0, 16);
            try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
                while (true) {
                    long index = pulls.take(); // checked on arrival: in order, each once
                    int length = Chunking.plainLength(file.size(), chunkSize, index);
                    readFully(channel, plain, length, index * chunkSize);
                    frame[16] = (byte) (index >>> 24);
                    frame[17] = (byte) (index >>> 16);
                    frame[18] = (byte) (index >>> 8);
                    frame[19] = (byte) index;
                    int sealed = cipher.seal(index, index == chunks - 1, plain, 0, length, frame, 20);
                    connection.sendBinary(ByteBuffer.wrap(frame, 0, 20 + sealed));
                }
            } catch (InterruptedException e) {
                // done or cancelled
            } catch (IOException | RuntimeException e) {
                if (transfers.remove(transferId) != null) {
                    events.failed(file, e.getMessage());
                    cancel(transferId, null);
                }
            }
        }

        private void readFully(FileChannel channel, byte[] into, int length, long position) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException(file.path() + " became shorter while it was being shared");
                }
            }
        }
    }

    /** Ids of files served at least once, for --once. */
    public Set<String> fileIds() {
        return files.keySet();
    }

    /** For diagnostics in tests. */
    public int activeTransfers() {
        return transfers.size();
    }

}
