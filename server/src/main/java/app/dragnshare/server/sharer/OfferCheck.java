package app.dragnshare.server.sharer;

import java.util.Base64;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import app.dragnshare.server.session.FileRecord;
import app.dragnshare.server.relay.TransferSettings;

/**
 * The server's sanity check of a sharer's offer: well-formed key and HMAC, and chunking that
 * matches the registered file, so a receiver is never told to expect what the relay will not
 * carry. The cryptographic checks are the clients'.
 */
final class OfferCheck {
    private static final long MAX_CHUNKS = 0xFFFF_FFFFL;

    private OfferCheck() {
    }

    /** Null when the offer is acceptable, else what is wrong with it. */
    static String problem(JsonObject offer, FileRecord file, long maxChunkSize, long start) {
        if (!isBase64Url(offer.get("publicKey"), 65)) {
            return "publicKey must be a 65-byte P-256 point in base64url";
        }
        if (!isBase64Url(offer.get("hmac"), 32)) {
            return "hmac must be 32 bytes in base64url";
        }
        if (!(offer.get("name") instanceof JsonString name) || !name.getString().equals(file.name())) {
            return "name must be the registered file name";
        }
        Long size = whole(offer.get("size"));
        if (size == null || size != file.size()) {
            return "size must be the registered file size (" + file.size() + ")";
        }
        Long chunkSize = whole(offer.get("chunkSize"));
        if (chunkSize == null || chunkSize < TransferSettings.MIN_CHUNK_SIZE || chunkSize > maxChunkSize) {
            return "chunkSize must be between " + TransferSettings.MIN_CHUNK_SIZE + " and " + maxChunkSize;
        }
        Long chunks = whole(offer.get("chunks"));
        long expected = TransferSettings.chunkCount(file.size(), chunkSize);
        if (chunks == null || chunks != expected || expected > MAX_CHUNKS) {
            return "chunks must be " + expected + " for this size and chunkSize";
        }
        if (start >= chunks) {
            return "the request's start (" + start + ") is not below chunks (" + chunks + "): decline it with bad-start";
        }
        return null;
    }

    private static boolean isBase64Url(JsonValue value, int length) {
        if (!(value instanceof JsonString s) || !s.getString().matches("[A-Za-z0-9_-]+")) {
            return false;
        }
        try {
            return Base64.getUrlDecoder().decode(s.getString()).length == length;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Long whole(JsonValue value) {
        if (value instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return null;
    }
}
