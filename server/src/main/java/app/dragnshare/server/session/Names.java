package app.dragnshare.server.session;

import app.dragnshare.server.http.ApiException;

/**
 * What a name that other members see may hold: session names and file names (member names are
 * made by the server). Clients show and save them, so control characters (which can retitle or
 * clear a terminal), unpaired surrogates and text-direction controls (which can disguise
 * "exe.txt" as "txt.exe") are refused, the same way wherever a name comes in. A file name may be
 * a relative path, which {@link FilePaths} checks component by component.
 */
public final class Names {
    public static final int MAX_SESSION_NAME_LENGTH = 80;
    private static final int MAX_TYPE_LENGTH = 255;
    private static final String SESSION_NAME_RULE =
            "the session name must be 1 to " + MAX_SESSION_NAME_LENGTH + " printable characters";

    private Names() {
    }

    /** A session name, stripped of surrounding white space; one rule and one message for creating and renaming. */
    public static String sessionName(String name) {
        String stripped = name.strip();
        String problem = problem(stripped);
        if (stripped.isEmpty() || stripped.codePointCount(0, stripped.length()) > MAX_SESSION_NAME_LENGTH) {
            throw ApiException.badRequest(SESSION_NAME_RULE);
        }
        if (problem != null) {
            throw ApiException.badRequest(SESSION_NAME_RULE + "; this one " + problem);
        }
        return stripped;
    }

    public static String fileType(String type) {
        if (type.isEmpty()) {
            return "application/octet-stream";
        }
        if (type.length() > MAX_TYPE_LENGTH || !type.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ')) {
            throw ApiException.badRequest("the file type must be a MIME type such as text/plain");
        }
        return type;
    }

    /** Why {@code text} must not be shown to people as it is, or null when it may. */
    static String problem(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                return "contains control characters";
            }
            if (Character.isSurrogate((char) c) && c <= 0xffff) {
                return "is not valid Unicode";
            }
            if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f
                    || c == 0x061c) {
                return "contains text-direction characters";
            }
        }
        return null;
    }
}
