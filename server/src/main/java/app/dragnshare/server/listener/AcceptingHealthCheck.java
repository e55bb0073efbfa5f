package app.dragnshare.server.listener;

import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Readiness goes DOWN as soon as the instance starts to stop, so load balancers send new work elsewhere. */
public record AcceptingHealthCheck(BooleanSupplier accepting) implements HealthCheck {

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "accepting-transfers";
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = accepting.getAsBoolean();
        return HealthCheckResponse.builder().status(up)
                .detail("transfers", up ? "accepted" : "refused: this instance is shutting down")
                .build();
    }
}
