package app.dragnshare.server.auth;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.helidon.common.Errors;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.JwtValidator;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.helidon.security.jwt.jwk.JwkOctet;

import jakarta.json.JsonString;

/**
 * Member tokens: HS256 JWTs made and checked with helidon-security-jwt. {@code aud} is the
 * session, {@code sub} the member, {@code role} host or guest; {@code iat}/{@code exp} are in
 * seconds. Only HS256 under our key is accepted ("none" and every other algorithm are refused).
 * A token that verified is remembered (bounded, {@link #VERIFIED_KEPT}) with its member and
 * expiry, so the next request with it costs a map lookup and an expiry check instead of parsing
 * and an HMAC: a receiver of many small files sends two requests per file with one token.
 */
public final class Tokens {
    private static final String ALGORITHM = "HS256";
    private static final String KEY_ID = "dns";
    /** Verified tokens remembered at most; past this the oldest go (a token is a few hundred bytes). */
    static final int VERIFIED_KEPT = 4096;

    private final JwkOctet key;
    private final JwkKeys keys;
    private final Duration ttl;
    private final Clock clock;
    /** Tokens whose signature and claims verified, oldest first; only a verified token ever gets in. */
    private final Map<String, Verified> verified = new LinkedHashMap<>();

    private record Verified(Member member, Instant expires) {
    }

    public Tokens(byte[] secret, Duration ttl, Clock clock) {
        this.key = JwkOctet.create(JSON.createObjectBuilder()
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
        Verified known;
        synchronized (verified) {
            known = verified.get(token);
        }
        if (known != null) {
            if (clock.instant().isAfter(known.expires())) { // as the validator below: valid up to exp itself
                throw new AuthException("the token has expired; open the invite again to rejoin", false);
            }
            return known.member();
        }
        Verified fresh = verifyFully(token);
        synchronized (verified) {
            if (verified.size() >= VERIFIED_KEPT) {
                verified.remove(verified.keySet().iterator().next());
            }
            verified.put(token, fresh);
        }
        return fresh.member();
    }

    private Verified verifyFully(String token) throws AuthException {
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
        // the expiry validator above made exp mandatory: a token without one never gets here
        return new Verified(new Member(audience.getFirst(), memberId, role), jwt.expirationTime().orElseThrow());
    }
}
