package app.dragnshare.server.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Random identifiers: 128 bits as 22 base64url characters, and the check that a path segment is one. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

    private Ids() {
    }

    public static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The id from a path parameter, or a 404 that names what was not found. */
    public static String require(String id, String what) {
        if (!isValid(id)) {
            throw ApiException.notFound(what + "-not-found", "no such " + what);
        }
        return id;
    }
}
