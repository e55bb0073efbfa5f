package app.dragnshare.server.session;

import app.dragnshare.server.http.ApiException;

/**
 * A shared file's name is a relative path: one or more components separated by {@code /}
 * ({@code photos/2024/a.jpg}; a plain file name is a path of one component). Every component is
 * checked here so that no member is handed a path that climbs out of the folder it saves into
 * or hides what it is: no empty, {@code .} or {@code ..} components (so no leading, trailing or
 * doubled {@code /}), no backslash (a separator on Windows), no control, direction or unpaired
 * surrogate characters, and length limits. Receivers still make each component safe again,
 * since a server need not have checked.
 */
public final class FilePaths {
    /** A whole path's limit when MAX_NAME_LENGTH (each component's) is below it. */
    public static final int MAX_PATH_LENGTH = 1024;

    private FilePaths() {
    }

    /** The longest path a server with this component limit accepts, in characters (code points). */
    public static int maxPathLength(int maxComponentLength) {
        return Math.max(MAX_PATH_LENGTH, maxComponentLength);
    }

    /** {@code path} when it is acceptable, else a 400 that says which rule it breaks. */
    public static String check(String path, int maxComponentLength) {
        String problem = problem(path, maxComponentLength);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        return path;
    }

    /** Why {@code path} is refused, in a sentence that does not repeat it (it may be unprintable), or null. */
    static String problem(String path, int maxComponentLength) {
        if (path.isBlank()) {
            return "the file name is empty";
        }
        int maxPath = maxPathLength(maxComponentLength);
        if (path.codePointCount(0, path.length()) > maxPath) {
            return "the file path is longer than " + maxPath + " characters";
        }
        String characters = Names.problem(path);
        if (characters != null) {
            return "the file name " + characters;
        }
        if (path.startsWith("/")) {
            return "the file path starts with /: paths are relative, such as photos/2024/a.jpg";
        }
        if (path.indexOf('\\') >= 0) {
            return "the file path holds a backslash: folders are separated by / (photos/2024/a.jpg)";
        }
        String[] components = path.split("/", -1);
        for (int i = 0; i < components.length; i++) {
            String component = components[i];
            String where = components.length == 1 ? "the file name" : "part " + (i + 1) + " of the file path";
            if (component.isEmpty()) {
                return where + " is empty (a doubled or trailing /)";
            }
            if (component.equals(".") || component.equals("..")) {
                return where + " is \"" + component + "\": paths may not name the current or the parent folder";
            }
            if (component.isBlank()) {
                return where + " is only white space";
            }
            if (component.codePointCount(0, component.length()) > maxComponentLength) {
                return where + " is longer than " + maxComponentLength + " characters";
            }
        }
        return null;
    }
}
