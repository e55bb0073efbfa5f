package app.dragnshare.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.helidon.http.Status;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.http.Bodies;
import app.dragnshare.server.http.Ids;

/**
 * The files a register request names: one {@code {name, size, type}} object, or
 * {@code {"files": [...]}} with up to {@link #MAX_PER_REQUEST} of them, so a tree of many files
 * is one request. Every entry is checked before any is stored; a refusal names the entry.
 */
public final class NewFiles {
    /** Entries one request may register; also bounds the arguments of the Redis script that stores them. */
    public static final int MAX_PER_REQUEST = 1000;

    private NewFiles() {
    }

    /** The records to store, or a 400/413 that says which entry breaks which rule. */
    static List<FileRecord> read(Bodies body, String ownerId, long now, ServerConfig config) {
        JsonValue files = body.json().get("files");
        if (files == null) {
            return List.of(one(body, ownerId, now, config));
        }
        if (!(files instanceof JsonArray array) || array.isEmpty()) {
            throw ApiException.badRequest("\"files\" must be a non-empty array of {name, size, type} objects");
        }
        if (array.size() > MAX_PER_REQUEST) {
            throw ApiException.badRequest("one request registers at most " + MAX_PER_REQUEST + " files, not " + array.size()
                    + "; send the rest in further requests");
        }
        List<FileRecord> records = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            int index = i;
            if (!(array.get(i) instanceof JsonObject entry)) {
                throw ApiException.badRequest("files[" + i + "] must be a {name, size, type} object");
            }
            records.add(naming(() -> "files[" + index + "]", () -> one(new Bodies(entry), ownerId, now, config)));
        }
        return records;
    }

    private static FileRecord one(Bodies body, String ownerId, long now, ServerConfig config) {
        int maxPath = FilePaths.maxPathLength(config.maxNameLength());
        String name = FilePaths.check(body.string("name", maxPath * 2), config.maxNameLength());
        long size = body.wholeNumber("size", 0, Long.MAX_VALUE);
        if (size > config.maxFileSize()) {
            throw new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "file-too-large",
                    "the file is larger than this server allows (" + config.maxFileSize() + " bytes)");
        }
        String type = Names.fileType(body.optionalString("type", 512, "").strip());
        return new FileRecord(Ids.random(), name, size, type, ownerId, now);
    }

    /** Runs {@code read}; a refusal's message starts with which entry it is about. */
    private static FileRecord naming(Supplier<String> entry, Supplier<FileRecord> read) {
        try {
            return read.get();
        } catch (ApiException e) {
            throw new ApiException(e.status(), e.code(), entry.get() + ": " + e.getMessage());
        }
    }
}
