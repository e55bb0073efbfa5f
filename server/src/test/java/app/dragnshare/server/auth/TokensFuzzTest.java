package app.dragnshare.server.auth;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Any string offered as a token is refused with an AuthException and nothing else. */
class TokensFuzzTest {
    private final Tokens tokens = new Tokens("0123456789abcdef0123456789abcdef".getBytes(), Duration.ofHours(1),
            Clock.systemUTC());

    @Property(tries = 1000)
    void garbageIsRefused(@ForAll String garbage) {
        assertThrows(AuthException.class, () -> tokens.verify(garbage));
    }

    @Property(tries = 1000)
    void jwtShapedGarbageIsRefused(@ForAll String header, @ForAll String payload, @ForAll String signature) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString(header.getBytes()) + "." + b64.encodeToString(payload.getBytes()) + "."
                + b64.encodeToString(signature.getBytes());
        assertThrows(AuthException.class, () -> tokens.verify(token));
    }
}
