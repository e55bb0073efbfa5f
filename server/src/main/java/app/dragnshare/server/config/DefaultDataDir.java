package app.dragnshare.server.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where DATA_DIR is when it is not set: the user's data folder, as other programs people run at
 * home use it, so the state does not depend on the folder the server was started from.
 */
final class DefaultDataDir {
    private DefaultDataDir() {
    }

    static Path of(Map<String, String> env) {
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            return (local == null || local.isBlank() ? Path.of(home, "AppData", "Local") : Path.of(local)).resolve("Drag-n-Share");
        }
        if (os.startsWith("mac")) {
            return Path.of(home, "Library", "Application Support", "Drag-n-Share");
        }
        String xdg = env.get("XDG_DATA_HOME");
        // the XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored
        return (xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(home, ".local", "share")).resolve("drag-n-share");
    }
}
