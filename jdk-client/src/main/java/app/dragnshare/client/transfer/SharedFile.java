package app.dragnshare.client.transfer;

import java.nio.file.Path;

/** A local file this client shares: its registered id and name, and where its bytes are. */
public record SharedFile(String id, Path path, String name, long size) {
}
