package app.dragnshare.server;

import io.helidon.logging.common.LogConfig;

import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.config.ServerConfig;

/** Starts the server with the configuration from the environment and prints where to open it. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("Drag-n-Share cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        config.warnings().forEach(w -> System.err.println("WARNING: " + w));
        DragNShareServer server;
        try {
            server = DragNShareServer.start(config);
        } catch (ConfigException | IllegalStateException e) {
            System.err.println("Drag-n-Share cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        server.closeOnExit();
        server.exitIfListenerDies();
        String url = config.publicUrl();
        System.out.println("Drag-n-Share is running with " + server.redisDescription() + ".");
        System.out.println("Open " + (url.endsWith(":" + config.port()) ? url.replaceAll(":\\d+$", ":" + server.port()) : url)
                + " to share files.");
    }
}
