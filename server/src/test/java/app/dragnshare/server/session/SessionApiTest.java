package app.dragnshare.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.TestServer;

import jakarta.json.JsonObject;

/** Sessions, members and file metadata over REST, as a client sees them. */
class SessionApiTest {
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void hostAndGuestShareFilesAndTheHostManagesTheSession() throws Exception {
        Http.Reply created = http.post("/api/sessions", null, "{\"name\":\"Friday photos\"}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().getString("sessionId");
        String host = created.json().getString("token");
        assertEquals("Friday photos", created.json().getString("name"));
        assertEquals(12, created.json().getString("joinCode").length());

        String guest = http.post("/api/sessions/" + id + "/join", null,
                "{\"joinCode\":\"" + created.json().getString("joinCode") + "\"}").json().getString("token");

        Http.Reply added = http.post("/api/sessions/" + id + "/files", guest,
                "{\"name\":\"holiday.jpg\",\"size\":1234,\"type\":\"image/jpeg\"}");
        assertEquals(201, added.status(), added.body());
        String fileId = added.json().getString("id");

        JsonObject session = http.get("/api/sessions/" + id, host).json();
        assertEquals(2, session.getJsonArray("members").size());
        JsonObject file = session.getJsonArray("files").getJsonObject(0);
        assertEquals("holiday.jpg", file.getString("name"));
        assertEquals(1234, file.getJsonNumber("size").longValue());
        assertFalse(file.getBoolean("online"), "the guest has no socket open");
        assertFalse(file.getString("ownerName").isBlank());

        assertEquals(200, http.patch("/api/sessions/" + id, host, "{\"name\":\"Renamed\"}").status());
        assertEquals("Renamed", http.get("/api/sessions/" + id, guest).json().getString("name"));

        assertEquals(204, http.delete("/api/sessions/" + id + "/files/" + fileId, host).status(), "the host may remove any file");
        assertEquals(0, http.get("/api/sessions/" + id + "/files", guest).json().getJsonArray("files").size());

        assertEquals(204, http.delete("/api/sessions/" + id, host).status());
        assertEquals(410, http.get("/api/sessions/" + id, host).status(), "the session has ended");
    }

    @Test
    void badFileMetadataGetsAClearError() throws Exception {
        Http.Reply created = http.post("/api/sessions", null, "");
        String id = created.json().getString("sessionId");
        String token = created.json().getString("token");
        String files = "/api/sessions/" + id + "/files";
        assertEquals(400, http.post(files, token, "{\"name\":\"a\\u0000b\",\"size\":1}").status(), "NUL in a name");
        assertEquals(400, http.post(files, token, "{\"name\":\"x\\u202Egnp.exe\",\"size\":1}").status(), "direction override");
        assertEquals(400, http.post(files, token, "{\"name\":\"" + "a".repeat(256) + "\",\"size\":1}").status(), "too long");
        // a name's length counts code points: 255 emoji (510 UTF-16 units) fit, and every longer name gets one message
        assertEquals(201, http.post(files, token, "{\"name\":\"" + "\uD83D\uDE00".repeat(255) + "\",\"size\":1}").status());
        for (String tooLong : new String[] {"a".repeat(256), "\uD83D\uDE00".repeat(256), "a".repeat(600)}) {
            Http.Reply refused = http.post(files, token, "{\"name\":\"" + tooLong + "\",\"size\":1}");
            assertEquals("the file name is longer than 255 characters", refused.json().getString("message"), tooLong.length() + " UTF-16 units");
        }
        assertEquals(400, http.post(files, token, "{\"name\":\"\",\"size\":1}").status(), "empty name");
        assertEquals(400, http.post(files, token, "{\"name\":\"a\",\"size\":-1}").status(), "negative size");
        assertEquals(400, http.post(files, token, "{\"name\":\"a\",\"size\":\"12\"}").status(), "size as text");
        assertEquals(400, http.post(files, token, "{\"name\":\"a\"}").status(), "missing size");
        assertEquals(400, http.post(files, token, "[]").status(), "not an object");
        Http.Reply malformed = http.post(files, token, "{\"name\":");
        assertEquals(400, malformed.status());
        assertEquals("bad-json", malformed.error());
        assertTrue(malformed.json().getString("message").contains("JSON"));
        Http.Reply twice = http.post(files, token, "{\"name\":\"a\",\"name\":\"b\",\"size\":1}");
        assertEquals(400, twice.status(), "a member named twice (PROTOCOL.md §1)");
        assertEquals("bad-json", twice.error());
        assertEquals(413, http.post(files, token, "{\"name\":\"a\",\"size\":1099511627777}").status(), "over MAX_FILE_SIZE");
        Http.Reply huge = http.postExpectingContinue(files, token, "{\"name\":\"" + "a".repeat(70_000) + "\",\"size\":1}");
        assertEquals(413, huge.status(), "a body over MAX_REQUEST_BYTES");
        assertEquals(400, http.post(files, token, "{\"name\":\"../../etc/passwd\",\"size\":0}").status(),
                "a path that climbs out (FilePathsApiTest has the rest)");
        Http.Reply ok = http.post(files, token, "{\"name\":\"photos/2024/a.jpg\",\"size\":0}");
        assertEquals(201, ok.status(), "a relative path is a name");
        for (String field : new String[] {"id", "name", "size", "type", "ownerId", "ownerName", "online", "addedAt"}) {
            assertTrue(ok.json().containsKey(field), "the new file has the list's shape (PROTOCOL.md §5.4): " + field);
        }
    }

    @Test
    void sessionNamesFollowOneRuleWhenCreatedAndWhenRenamed() throws Exception {
        Http.Reply host = http.post("/api/sessions", null, "{}");
        String id = host.json().getString("sessionId");
        String token = host.json().getString("token");
        String[] refused = {
            "\u001b]0;owned\u0007", // ESC: an xterm title sequence
            "\u001b[2J", "a\u0000b", "tab\there", "line\nbreak", "del\u007f", "c1 \u009b31m",
            "x\u202Egnp.exe", "isolate \u2066x", "mark \u200F", "lone \ud800 surrogate", "line\u2028sep",
            "a".repeat(81), " ",
        };
        for (String name : refused) {
            String body = nameBody(name);
            Http.Reply created = http.post("/api/sessions", null, body);
            Http.Reply renamed = http.patch("/api/sessions/" + id, token, body);
            if (name.isBlank()) {
                assertEquals(201, created.status(), "no name given: a random one");
            } else {
                assertEquals(400, created.status(), name + ": " + created.body());
                assertEquals("bad-request", created.error());
                assertTrue(created.json().getString("message").startsWith("the session name must be 1 to 80 printable characters"),
                        created.body());
            }
            assertEquals(400, renamed.status(), name + ": " + renamed.body());
            if (!name.isBlank()) {
                assertEquals(created.body(), renamed.body(), "one rule, one message: " + name);
            }
        }
        for (String name : new String[] {"Friday photos", "Fotos für Oma 📷", "日本の写真", "a".repeat(80)}) {
            Http.Reply created = http.post("/api/sessions", null, nameBody(name));
            assertEquals(201, created.status(), created.body());
            assertEquals(name, created.json().getString("name"));
            assertEquals(200, http.patch("/api/sessions/" + id, token, nameBody(name)).status(), name);
        }
        assertEquals("Padded", http.post("/api/sessions", null, "{\"name\":\"  Padded \"}").json().getString("name"));
    }

    /** {"name": name} with every character outside printable ASCII escaped, so the server gets exactly these UTF-16 units. */
    private static String nameBody(String name) {
        StringBuilder out = new StringBuilder("{\"name\":\"");
        for (char c : name.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.append("\"}").toString();
    }

    @Test
    void membersHearWhenOthersComeOnlineOrLeave() throws Exception {
        Http.Reply created = http.post("/api/sessions", null, "{}");
        String id = created.json().getString("sessionId");
        String guest = http.post("/api/sessions/" + id + "/join", null,
                "{\"joinCode\":\"" + created.json().getString("joinCode") + "\"}").json().getString("token");
        try (RawSocket host = RawSocket.authenticated(server.port(), created.json().getString("token"))) {
            host.awaitType("members-changed"); // the join itself
            RawSocket guestSocket = RawSocket.authenticated(server.port(), guest);
            assertTrue(host.awaitType("members-changed"), "the guest came online");
            guestSocket.text("{\"type\":\"teleport\"}"); // the server closes it
            assertTrue(host.awaitType("members-changed"), "the guest went offline");
            guestSocket.close();
        }
    }

    @Test
    void aMistypedPageAddressGetsAPageAndApiClientsGetJson() throws Exception {
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(TestServer.url(server).resolve("/nowhere.html"))
                        .header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("Start sharing"), page.body());
        assertEquals("not-found", http.get("/api/nowhere", null).error());
    }

    @Test
    void unknownThingsAre404InJson() throws Exception {
        Http.Reply created = http.post("/api/sessions", null, "");
        String token = created.json().getString("token");
        String id = created.json().getString("sessionId");
        assertEquals("session-not-found", http.get("/api/sessions/not-an-id", token).error());
        assertEquals(404, http.delete("/api/sessions/" + id + "/files/AAAAAAAAAAAAAAAAAAAAAA", token).status());
        Http.Reply nowhere = http.get("/api/nowhere", null);
        assertEquals(404, nowhere.status());
        assertEquals("not-found", nowhere.error());
    }
}
