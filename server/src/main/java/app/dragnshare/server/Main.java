package app.dragnshare.server;

import io.helidon.logging.common.LogConfig;

import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.tls.ServerTls;

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
        server.dataDir().ifPresent(dir -> System.out.println("Data folder: " + dir + " (" + keptIn(config)
                + "; set DATA_DIR to use another)."));
        server.tls().ifPresent(tls -> describe(tls, server.port()));
        System.out.println("Open " + (url.endsWith(":" + config.port()) ? url.replaceAll(":\\d+$", ":" + server.port()) : url)
                + " to share files.");
    }

    private static String keptIn(ServerConfig config) {
        java.util.List<String> kept = new java.util.ArrayList<>();
        if (config.embeddedRedis()) {
            kept.add("sessions");
        }
        if (config.jwtKeyInDataDir()) {
            kept.add("the token key");
        }
        if (config.tlsSelfSigned()) {
            kept.add("the HTTPS certificate");
        }
        return String.join(", ", kept);
    }

    /** The fingerprint people compare with what their browser shows, and, for a LAN, where to open it from elsewhere. */
    private static void describe(ServerTls tls, int port) {
        System.out.println("HTTPS certificate SHA-256 fingerprint: " + tls.fingerprint());
        tls.selfSigned().ifPresent(self -> {
            System.out.println("It is self-signed" + (self.madeNow() ? " (made just now)" : "") + ": a browser warns once; "
                    + "go on only if its certificate details show this fingerprint. The CLI needs --trust-fingerprint "
                    + tls.fingerprint() + ".");
            self.names().stream()
                    .filter(name -> name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") && !name.startsWith("127."))
                    .forEach(address -> System.out.println("From other devices on your network: https://" + address + ":" + port));
        });
    }
}
