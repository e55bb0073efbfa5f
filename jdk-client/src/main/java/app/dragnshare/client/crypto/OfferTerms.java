package app.dragnshare.client.crypto;

/**
 * What a sharer commits to in its offer, all covered by the offer HMAC: its ephemeral key, the
 * file's name, size and chunking, and the first chunk the request asked for (0 for the whole file).
 */
public record OfferTerms(byte[] senderKey, String name, long size, long chunkSize, long chunks, long start) {
}
