package app.dragnshare.client.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.dragnshare.client.crypto.SessionKeys;

/**
 * An invite link: {@code https://HOST/s/{sessionId}#{joinCode}.{secret}}. Everything after
 * {@code #} stays on the clients: the server sees the join code only when a client joins, and
 * never the secret.
 */
public record Invite(URI server, String sessionId, String joinCode, byte[] secret) {
    private static final Pattern PATH = Pattern.compile("(.*)/s/([A-Za-z0-9_-]{22})/?");
    private static final Pattern FRAGMENT = Pattern.compile("([0-9A-Za-z]{4,64})\\.([A-Za-z0-9_-]{43})");

    public static Invite parse(String link) throws InvalidInviteException {
        URI uri;
        try {
            uri = new URI(link.trim());
        } catch (URISyntaxException e) {
            throw new InvalidInviteException("the invite is not a link: " + e.getReason());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new InvalidInviteException("the invite must be an http(s) link");
        }
        if (uri.getHost() == null) {
            throw new InvalidInviteException("the invite link has no host");
        }
        Matcher path = PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (!path.matches()) {
            throw new InvalidInviteException("the invite link has no session (expected …/s/SESSION#CODE.SECRET)");
        }
        Matcher fragment = FRAGMENT.matcher(uri.getRawFragment() == null ? "" : uri.getRawFragment());
        if (!fragment.matches()) {
            throw new InvalidInviteException("the invite link is incomplete or mistyped: the part after # is missing, cut off "
                    + "or has characters that do not belong; check the link with the sender");
        }
        byte[] secret = Base64.getUrlDecoder().decode(fragment.group(2));
        if (secret.length != SessionKeys.SECRET_LENGTH) {
            throw new InvalidInviteException("the invite link is mistyped: its key (after the \".\") is not one; check the link "
                    + "with the sender");
        }
        URI server = URI.create(uri.getScheme().toLowerCase() + "://" + uri.getRawAuthority() + path.group(1));
        return new Invite(server, path.group(2), fragment.group(1), secret);
    }

    public String link() {
        return server.toString().replaceAll("/+$", "") + "/s/" + sessionId + "#" + joinCode + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public SessionKeys keys() {
        return SessionKeys.derive(sessionId, secret);
    }

    @Override
    public String toString() {
        return "Invite[" + server + "/s/" + sessionId + "]"; // never the code or the secret
    }
}
