package app.dragnshare.server.listener;

import java.lang.management.ManagementFactory;
import java.util.Optional;

import com.sun.management.UnixOperatingSystemMXBean;

import app.dragnshare.server.config.ConfigException;

/**
 * How many connections the listener may hold without the process running out of file
 * descriptors. Helidon's accept loop gives up for good on the first failed accept ("Too many open
 * files"), so the connection cap must leave room for everything else that opens descriptors:
 * what is open at startup (jars, logs), the Redis pool and a reserve for files opened later.
 *
 * @param connections the cap to use: MAX_CONNECTIONS, or less if the descriptors do not allow it
 * @param warning     set when MAX_CONNECTIONS was lowered, saying why and what to change
 */
public record DescriptorBudget(int connections, Optional<String> warning) {
    /** Descriptors kept free for what the process opens after startup (class files, TLS, /proc reads). */
    public static final int RESERVE = 64;
    /** Below this many connections an instance cannot do its work: refuse to start instead. */
    public static final int MIN_CONNECTIONS = 16;

    /** The budget under this process's descriptor limit (`ulimit -n`), if the platform tells it. */
    public static DescriptorBudget of(int maxConnections, int redisConnections) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            return of(maxConnections, redisConnections, os.getMaxFileDescriptorCount(), os.getOpenFileDescriptorCount());
        }
        return new DescriptorBudget(maxConnections, Optional.empty());
    }

    static DescriptorBudget of(int maxConnections, int redisConnections, long limit, long open) {
        long room = limit - open - redisConnections - RESERVE;
        if (room >= maxConnections) {
            return new DescriptorBudget(maxConnections, Optional.empty());
        }
        String why = "the process may open " + limit + " files (ulimit -n), " + open + " are open, REDIS_POOL_SIZE takes up to "
                + redisConnections + " and " + RESERVE + " are kept in reserve";
        if (room < MIN_CONNECTIONS) {
            throw new ConfigException("too few file descriptors for " + MIN_CONNECTIONS + " connections: " + why
                    + ". Raise ulimit -n (or the container's nofile limit) or lower REDIS_POOL_SIZE.");
        }
        return new DescriptorBudget((int) room, Optional.of("MAX_CONNECTIONS lowered from " + maxConnections + " to " + room
                + ": " + why + ". Raise ulimit -n to at least " + (open + redisConnections + RESERVE + maxConnections)
                + " for MAX_CONNECTIONS to apply."));
    }
}
