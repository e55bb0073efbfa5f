package app.dragnshare.server.listener;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Liveness of the listener, with its connection caps and what they refused. DOWN once the
 * watchdog found the listener dead; the process exits right after, so this is mostly seen in
 * logs and by checks that run inside the process.
 */
public record ListenerHealthCheck(ListenerWatchdog watchdog, int maxConnections, AddressSlots slots,
                                  HeaderDeadlines deadlines) implements HealthCheck {

    @Override
    public HealthCheckType type() {
        return HealthCheckType.LIVENESS;
    }

    @Override
    public String name() {
        return "listener";
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = !watchdog.dead();
        return HealthCheckResponse.builder().status(up)
                .detail("accepting", up ? "yes" : "no: the listener stopped accepting connections; the process exits")
                .detail("maxConnections", maxConnections)
                .detail("maxConnectionsPerAddress", slots.perAddress())
                .detail("refusedOverAddressCap", slots.refused())
                .detail("closedForHeaderTimeout", deadlines.closed())
                .detail("closedToMakeRoom", deadlines.evicted())
                .build();
    }
}
