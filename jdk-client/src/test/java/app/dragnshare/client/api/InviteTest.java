package app.dragnshare.client.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import app.dragnshare.client.crypto.SessionKeys;

class InviteTest {
    private static final String LINK =
            "https://share.example.org/s/7kgFDl76b5IfkjeZQZFEIQ#FEEQT1NPAK4J.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    @Test
    void parsesTheLinkFormat() throws Exception {
        Invite invite = Invite.parse(LINK);
        assertEquals(URI.create("https://share.example.org"), invite.server());
        assertEquals("7kgFDl76b5IfkjeZQZFEIQ", invite.sessionId());
        assertEquals("FEEQT1NPAK4J", invite.joinCode());
        assertEquals(32, invite.secret().length);
        assertEquals(LINK, invite.link());
    }

    @Test
    void keepsAPortAndAPathPrefix() throws Exception {
        Invite invite = Invite.parse("http://localhost:8080/share/s/7kgFDl76b5IfkjeZQZFEIQ#FEEQT1NPAK4J."
                + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
        assertEquals(URI.create("http://localhost:8080/share"), invite.server());
    }

    @Test
    void roundTripsANewInvite() throws Exception {
        byte[] secret = SessionKeys.newSecret();
        Invite made = new Invite(URI.create("http://127.0.0.1:9"), "7kgFDl76b5IfkjeZQZFEIQ", "ABCDEFGHJKMN", secret);
        Invite parsed = Invite.parse(made.link());
        assertArrayEquals(secret, parsed.secret());
        assertEquals(made.joinCode(), parsed.joinCode());
    }

    @Test
    void rejectsBrokenLinksWithAReason() {
        for (String bad : List.of("", "not a link", "ftp://x/s/7kgFDl76b5IfkjeZQZFEIQ#A.B",
                "https://share.example.org/s/7kgFDl76b5IfkjeZQZFEIQ",
                "https://share.example.org/s/7kgFDl76b5IfkjeZQZFEIQ#FEEQT1NPAK4J",
                "https://share.example.org/s/7kgFDl76b5IfkjeZQZFEIQ#FEEQT1NPAK4J.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx",
                "https://share.example.org/x/7kgFDl76b5IfkjeZQZFEIQ#FEEQT1NPAK4J.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
                "https:///s/7kgFDl76b5IfkjeZQZFEIQ#FEEQT1NPAK4J.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")) {
            InvalidInviteException e = assertThrows(InvalidInviteException.class, () -> Invite.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void neverPrintsItsSecret() throws Exception {
        assertFalse(Invite.parse(LINK).toString().contains("AAECAwQF"));
        assertFalse(Invite.parse(LINK).toString().contains("FEEQT1NPAK4J"));
    }
}
