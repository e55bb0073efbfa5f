package app.dragnshare.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.helidon.common.Errors;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.JwtValidator;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.helidon.security.jwt.jwk.JwkOctet;

import jakarta.json.Json;
import jakarta.json.JsonString;

/**
 * Member tokens: HS256 JWTs made and checked with helidon-security-jwt. {@code aud} is the
 * session, {@code sub} the member, {@code role} host or guest; {@code iat}/{@code exp} are in
 * seconds. Only HS256 under our key is accepted ("none" and every other algorithm are refused).
 */
public final class Tokens {
    private static final String ALGORITHM = "HS256";
    private static final String KEY_ID = "dns";

    private final JwkOctet key;
    private final JwkKeys keys;
    private final Duration ttl;
    private final Clock clock;

    public Tokens(byte[] secret, Duration ttl, Clock clock) {
        this.key = JwkOctet.create(Json.createObjectBuilder()
                .add("kty", "oct")
                .add("kid", KEY_ID)
                .add("alg", ALGORITHM)
                .add("k", Base64.getUrlEncoder().withoutPadding().encodeToString(secret))
                .build());
        this.keys = JwkKeys.builder().addKey(key).build();
        this.ttl = ttl;
        this.clock = clock;
    }

    public String issue(Member member) {
        Instant now = clock.instant();
        Jwt jwt = Jwt.builder()
                .algorithm(ALGORITHM)
                .keyId(KEY_ID)
                .type("JWT")
                .audience(List.of(member.sessionId()))
                .subject(member.memberId())
                .addPayloadClaim("role", member.role().wireName())
                .issueTime(now)
                .expirationTime(now.plus(ttl))
                .build();
        return SignedJwt.sign(jwt, key).tokenContent();
    }

    /** Checks signature, algorithm, expiry and claims, then that the token is for {@code sessionId}. */
    public Member verify(String token, String sessionId) throws AuthException {
        Member member = verify(token);
        if (!member.sessionId().equals(sessionId)) {
            throw new AuthException("this token belongs to another session", true);
        }
        return member;
    }

    public Member verify(String token) throws AuthException {
        if (token == null || token.isBlank()) {
            throw new AuthException("a token is required (Authorization: Bearer <token>)", false);
        }
        SignedJwt signed;
        Jwt jwt;
        try {
            signed = SignedJwt.parseToken(token);
            // reading the claims can throw too (a claim of the wrong JSON type: ClassCastException)
            jwt = signed.getJwt();
        } catch (RuntimeException e) {
            throw new AuthException("the token is malformed", false);
        }
        String algorithm = jwt.headers().algorithm().orElse("");
        if (!ALGORITHM.equals(algorithm)) {
            throw new AuthException("the token's algorithm '" + algorithm + "' is not accepted", false);
        }
        Errors signature = signed.verifySignature(keys, key);
        if (!signature.isValid()) {
            throw new AuthException("the token's signature is not valid", false);
        }
        Instant now = clock.instant();
        Errors time = JwtValidator.builder()
                .addExpirationValidator(b -> b.now(now).allowedTimeSkew(Duration.ZERO).mandatory(true))
                .addIssueTimeValidator(b -> b.now(now).allowedTimeSkew(Duration.ofMinutes(1)).mandatory(true))
                .build()
                .validate(jwt);
        if (!time.isValid()) {
            throw new AuthException("the token has expired; open the invite again to rejoin", false);
        }
        List<String> audience = jwt.audience().orElse(List.of());
        String memberId = jwt.subject().orElse("");
        String roleName = jwt.payloadClaim("role").filter(v -> v instanceof JsonString)
                .map(v -> ((JsonString) v).getString()).orElse("");
        Role role = Role.fromWire(roleName).orElse(null);
        if (audience.size() != 1 || memberId.isEmpty() || role == null) {
            throw new AuthException("the token lacks its session, member or role", false);
        }
        return new Member(audience.getFirst(), memberId, role);
    }
}
