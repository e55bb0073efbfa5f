package app.dragnshare.server.auth;

/** Who a valid token speaks for: one member of one session. */
public record Member(String sessionId, String memberId, Role role) {
    public boolean isHost() {
        return role == Role.HOST;
    }
}
