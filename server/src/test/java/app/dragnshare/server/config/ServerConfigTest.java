package app.dragnshare.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static final String GOOD_KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void defaultsStartAnywhereWithARandomKeyAndSayIt() {
        ServerConfig config = ServerConfig.from(Map.of());
        assertEquals(8080, config.port());
        assertTrue(config.redisUrl().isEmpty(), "no Redis configured: embedded");
        assertTrue(config.jwtKeyGenerated());
        assertEquals(32, config.jwtKey().length);
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("JWT_KEY is not set")));
        assertEquals(Duration.ofMinutes(30), config.sessionIdleTtl());
    }

    @Test
    void aShortKeyGetsALoudWarningInDevAndStopsProd() {
        ServerConfig dev = ServerConfig.from(Map.of("JWT_KEY", "abc123"));
        assertTrue(dev.warnings().stream().anyMatch(w -> w.contains("INSECURE") && w.contains("6 bytes")));
        ConfigException prod = assertThrows(ConfigException.class,
                () -> ServerConfig.from(Map.of("SERVER_MODE", "prod", "JWT_KEY", "abc123", "REDIS_URL", "redis://:pw@r:6379")));
        assertTrue(prod.getMessage().contains("openssl rand"), prod.getMessage());
    }

    @Test
    void prodRefusesRedisWithoutAPassword() {
        assertThrows(ConfigException.class,
                () -> ServerConfig.from(Map.of("SERVER_MODE", "prod", "JWT_KEY", GOOD_KEY, "REDIS_URL", "redis://r:6379")));
        assertFalse(ServerConfig.from(Map.of("SERVER_MODE", "prod", "JWT_KEY", GOOD_KEY, "REDIS_URL", "redis://r:6379",
                "DATABASE_PASSWORD", "pw")).jwtKeyGenerated());
        ServerConfig.from(Map.of("SERVER_MODE", "prod", "JWT_KEY", GOOD_KEY, "REDIS_URL", "redis://:pw@r:6379"));
    }

    @Test
    void badValuesNameTheVariable() {
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of("PORT", "eighty")))
                .getMessage().contains("PORT"));
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of("TOKEN_TTL", "soon")))
                .getMessage().contains("TOKEN_TTL"));
        assertEquals(Duration.ofSeconds(90), ServerConfig.from(Map.of("STALL_TIMEOUT", "90")).stallTimeout());
        assertEquals(Duration.ofMillis(500), ServerConfig.from(Map.of("AUTH_TIMEOUT", "500ms")).authTimeout());
    }

    @Test
    void theReadmeDocumentsEverySetting() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting setting : Setting.values()) {
            assertTrue(readme.contains("| `" + setting.name() + "` |"), "README's configuration table lacks " + setting);
        }
    }
}
