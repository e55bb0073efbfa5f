package app.dragnshare.server.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;

/**
 * What an operator watches: sessions, connected sharers, active transfers, bytes relayed, and
 * how transfers ended, by cause; at /observe/metrics in Prometheus format. The meters live in
 * Helidon's global registry (the one its Prometheus formatter reads), so they are per process:
 * production runs one instance per process; tests that start several share the counters, and
 * the gauges follow the first instance.
 */
public final class ServerMetrics {
    private final MeterRegistry registry = Metrics.globalRegistry();
    private final Counter sessionsCreated = counter("dns.sessions.created", "Sessions created");
    private final Counter membersJoined = counter("dns.members.joined", "Guests who joined a session");
    private final Counter bytesRelayed = registry.getOrCreate(Counter.builder("dns.relay.bytes")
            .baseUnit("bytes").description("Encrypted chunk bytes delivered to receivers by this instance"));
    private final Counter transfersCompleted = counter("dns.transfers.completed", "Transfers whose every chunk was delivered");
    private final Map<String, Counter> transfersFailed = new ConcurrentHashMap<>();

    public ServerMetrics(IntSupplier connectedSharers, IntSupplier activeDownloads) {
        registry.getOrCreate(Gauge.builder("dns.sharers.connected", () -> connectedSharers.getAsInt())
                .description("Sharer sockets connected to this instance"));
        registry.getOrCreate(Gauge.builder("dns.transfers.active", () -> activeDownloads.getAsInt())
                .description("Download streams running on this instance"));
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void sessionCreated() {
        sessionsCreated.increment();
    }

    public void memberJoined() {
        membersJoined.increment();
    }

    public void bytesRelayed(long bytes) {
        bytesRelayed.increment(bytes);
    }

    public void transferCompleted() {
        transfersCompleted.increment();
    }

    /** A transfer ended without its file; {@code cause} is the error code of PROTOCOL.md §7. */
    public void transferFailed(String cause) {
        transfersFailed.computeIfAbsent(cause, c -> registry.getOrCreate(Counter.builder("dns.transfers.failed")
                .description("Transfers that ended without their file, by cause")
                .addTag(Tag.create("cause", c)))).increment();
    }

    private Counter counter(String name, String description) {
        return registry.getOrCreate(Counter.builder(name).description(description));
    }
}
