package app.dragnshare.client.crypto;

/**
 * What a sharer commits to in its offer, all covered by the offer HMAC: its ephemeral key and
 * the file's name, size and chunking.
 */
public record OfferTerms(byte[] senderKey, String name, long size, long chunkSize, long chunks) {
}
