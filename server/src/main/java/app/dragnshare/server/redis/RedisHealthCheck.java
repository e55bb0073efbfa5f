package app.dragnshare.server.redis;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Readiness: this instance can serve only while its Redis answers. */
public record RedisHealthCheck(RedisConnection redis) implements HealthCheck {

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = redis.isReachable();
        return HealthCheckResponse.builder()
                .status(up)
                .detail("redis", up ? "reachable" : "unreachable: transfers and sessions are unavailable")
                .build();
    }
}
