package app.dragnshare.client.api;

/** A file another member shares, as the session lists it. */
public record RemoteFile(String id, String name, long size, String type, String ownerId, String ownerName,
                         boolean online) {
}
