package app.dragnshare.server.auth;

import java.util.Locale;
import java.util.Optional;

/** What a member may do: the host also manages the session. */
public enum Role {
    HOST, GUEST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String name) {
        return switch (name) {
            case "host" -> Optional.of(HOST);
            case "guest" -> Optional.of(GUEST);
            default -> Optional.empty();
        };
    }
}
