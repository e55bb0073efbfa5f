package app.dragnshare.server.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.testing.Fuzz;

/** Any string offered as a token is refused with an AuthException and nothing else. */
class TokensFuzzTest {
    private final Tokens tokens = new Tokens("0123456789abcdef0123456789abcdef".getBytes(), Duration.ofHours(1),
            Clock.systemUTC());

    @Test
    void garbageIsRefused() {
        Random r = Fuzz.random("tokens-garbage");
        for (int i = 0; i < 1000; i++) {
            String garbage = Fuzz.text(r, 200);
            assertThrows(AuthException.class, () -> tokens.verify(garbage), () -> Fuzz.show(garbage));
        }
    }

    @Test
    void jwtShapedGarbageIsRefused() {
        Random r = Fuzz.random("tokens-jwt-shaped");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        for (int i = 0; i < 1000; i++) {
            // parts that are JSON-like more often than not, so the checks past the signature are reached too
            String header = r.nextBoolean() ? Fuzz.objectWith(r, java.util.List.of("alg", "typ", "kid")) : Fuzz.text(r, 40);
            String payload = r.nextBoolean() ? Fuzz.objectWith(r, java.util.List.of("sub", "sid", "role", "exp")) : Fuzz.text(r, 80);
            String signature = Fuzz.text(r, 40);
            String token = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(signature.getBytes(StandardCharsets.UTF_8));
            assertThrows(AuthException.class, () -> tokens.verify(token), () -> Fuzz.show(token));
        }
    }
}
