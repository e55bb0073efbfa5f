package app.dragnshare.server.relay;

import java.time.Duration;

import app.dragnshare.server.config.ServerConfig;

/**
 * The limits and timings of the transfer path, taken from the configuration once.
 *
 * @param block     how long one blocking pop waits before its caller looks around (heartbeat, liveness)
 * @param heartbeat longest silence on a download stream or an idle sharer socket
 * @param chunkWindowMax most bytes of one transfer's chunks on their way at once (see {@link CreditWindow})
 * @param receiptTimeout how long the sharer's side waits for the receipt after the last chunk
 */
public record TransferSettings(int queueDepth,
                               int maxChunkSize,
                               int maxTransfersPerSender,
                               int maxTransfersPerInstance,
                               int maxTextMessage,
                               Duration authTimeout,
                               Duration offerTimeout,
                               Duration stallTimeout,
                               Duration peerTimeout,
                               Duration block,
                               Duration heartbeat,
                               long chunkWindowMax,
                               Duration receiptTimeout) {

    public static TransferSettings from(ServerConfig config) {
        Duration block = Duration.ofMillis(Math.min(3_000, config.peerTimeout().toMillis() / 3));
        return new TransferSettings(config.chunkQueueDepth(), config.maxChunkSize(), config.maxTransfersPerSender(),
                config.maxTransfersPerInstance(),
                config.maxRequestBytes(), config.authTimeout(), config.offerTimeout(), config.stallTimeout(),
                config.peerTimeout(), block, min(Duration.ofSeconds(10), config.peerTimeout()),
                config.chunkWindowMax(), config.receiptTimeout());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Ciphertext bytes of chunk {@code index}: its share of the file plus the 16-byte GCM tag. */
    public static long cipherLength(long size, long chunkSize, long chunks, long index) {
        long plain = index == chunks - 1 ? size - index * chunkSize : chunkSize;
        return plain + 16;
    }

    /** The smallest chunk size a sharer may offer; with it, a file has the most chunks it can have. */
    public static final long MIN_CHUNK_SIZE = 1024;

    /** Chunks of a file: at least one, so even an empty file ends with an authenticated last chunk. */
    public static long chunkCount(long size, long chunkSize) {
        return Math.max(1, (size + chunkSize - 1) / chunkSize);
    }
}
