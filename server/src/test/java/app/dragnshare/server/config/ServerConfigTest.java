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
    void defaultsStartAnywhereAndKeepTheirStateInTheUsersDataFolder() {
        ServerConfig config = ServerConfig.from(Map.of());
        assertEquals(8080, config.port());
        assertTrue(config.redisUrl().isEmpty(), "no Redis configured: embedded");
        assertTrue(config.embeddedRedis());
        assertTrue(config.jwtKeyInDataDir(), "the token key is the data folder's");
        assertEquals(0, config.jwtKey().length);
        assertEquals(Duration.ofMinutes(30), config.sessionIdleTtl());
        assertFalse(config.tls());
        assertEquals("http://localhost:8080", config.publicUrl());
        if (!System.getProperty("os.name").startsWith("Windows") && !System.getProperty("os.name").startsWith("Mac")) {
            assertEquals(Path.of(System.getProperty("user.home"), ".local", "share", "drag-n-share"), config.dataDir());
            assertEquals(Path.of("/srv/xdg/drag-n-share"), ServerConfig.from(Map.of("XDG_DATA_HOME", "/srv/xdg")).dataDir());
            assertEquals(config.dataDir(), ServerConfig.from(Map.of("XDG_DATA_HOME", "relative")).dataDir(),
                    "a relative XDG_DATA_HOME is ignored, as the XDG spec says");
        }
        assertEquals(Path.of("/srv/dns"), ServerConfig.from(Map.of("DATA_DIR", "/srv/dns")).dataDir());
    }

    @Test
    void tlsTakesACertificateWithItsKeyOrMakesItsOwn() {
        ServerConfig files = ServerConfig.from(Map.of("TLS_CERT_FILE", "c.pem", "TLS_KEY_FILE", "k.pem"));
        assertTrue(files.tls());
        assertEquals("https://localhost:8080", files.publicUrl());
        assertTrue(ServerConfig.from(Map.of("TLS_SELF_SIGNED", "true")).tls());
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of("TLS_CERT_FILE", "c.pem")))
                .getMessage().contains("TLS_KEY_FILE"));
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.from(Map.of("TLS_SELF_SIGNED", "true",
                "TLS_CERT_FILE", "c.pem", "TLS_KEY_FILE", "k.pem"))).getMessage().contains("TLS_SELF_SIGNED"));
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
                "DATABASE_PASSWORD", "pw")).jwtKeyInDataDir());
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
