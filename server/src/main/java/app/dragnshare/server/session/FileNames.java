package app.dragnshare.server.session;

import app.dragnshare.server.http.ApiException;

/**
 * What a registered file name and type may hold. Names are shown and saved by other members'
 * clients, so control characters, unpaired surrogates and bidirectional overrides (which can
 * disguise "exe.txt" as "txt.exe") are refused; path separators are allowed here and made safe
 * by each receiving client, which never trusts a name with a path.
 */
public final class FileNames {
    private static final int MAX_TYPE_LENGTH = 255;

    private FileNames() {
    }

    public static String validName(String name, int maxLength) {
        if (name.isBlank()) {
            throw ApiException.badRequest("the file name is empty");
        }
        if (name.codePointCount(0, name.length()) > maxLength) {
            throw ApiException.badRequest("the file name is longer than " + maxLength + " characters");
        }
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw ApiException.badRequest("the file name contains control characters");
            }
            if (Character.isSurrogate((char) c) && c <= 0xffff) {
                throw ApiException.badRequest("the file name is not valid Unicode");
            }
            if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f) {
                throw ApiException.badRequest("the file name contains text-direction characters");
            }
        });
        return name;
    }

    public static String validType(String type) {
        if (type.isEmpty()) {
            return "application/octet-stream";
        }
        if (type.length() > MAX_TYPE_LENGTH || !type.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ')) {
            throw ApiException.badRequest("the file type must be a MIME type such as text/plain");
        }
        return type;
    }
}
