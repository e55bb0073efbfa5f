package app.dragnshare.client.api;

/** This client's seat in a session: who it is there and the token that proves it. */
public record Membership(String sessionId, String sessionName, String memberId, String role, String token,
                         String joinCode) {
    @Override
    public String toString() {
        return "Membership[" + sessionId + ", " + memberId + ", " + role + "]"; // never the token
    }
}
