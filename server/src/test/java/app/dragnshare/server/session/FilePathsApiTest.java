package app.dragnshare.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * File names may be relative paths (a shared folder's tree): the server checks every component
 * and refuses the rest with a 400 that says why, and registers a whole tree in one request.
 */
class FilePathsApiTest {
    private static final int MAX_FILES = 1200;
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MAX_FILES_PER_SESSION", Integer.toString(MAX_FILES),
                "MAX_REQUEST_BYTES", "262144"), RelayTap.NONE);
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyComponentOfAPathIsChecked() throws Exception {
        Session s = session();
        Map<String, String> refused = Map.ofEntries(
                Map.entry("../x", "part 1 of the file path is \"..\""),
                Map.entry("a/../../x", "part 2 of the file path is \"..\""),
                Map.entry("a/./b", "part 2 of the file path is \".\""),
                Map.entry("..", "the file name is \"..\""),
                Map.entry("/etc/passwd", "starts with /"),
                Map.entry("a\\\\b.txt", "backslash"),
                Map.entry("..\\\\..\\\\x", "backslash"),
                Map.entry("C:\\\\Windows\\\\x", "backslash"),
                Map.entry("a//b", "part 2 of the file path is empty"),
                Map.entry("a/b/", "part 3 of the file path is empty"),
                Map.entry("a/ /b", "part 2 of the file path is only white space"),
                Map.entry("a/\\u0007bell/b", "control characters"),
                Map.entry("a/x\\u202Egnp.exe", "text-direction"),
                Map.entry("a/" + "b".repeat(256), "part 2 of the file path is longer than 255 characters"),
                Map.entry("a/".repeat(512) + "b", "the file path is longer than 1024 characters"));
        for (Map.Entry<String, String> entry : refused.entrySet()) {
            Http.Reply reply = http.post(s.files(), s.token(), "{\"name\":\"" + entry.getKey() + "\",\"size\":1}");
            assertEquals(400, reply.status(), entry.getKey() + ": " + reply.body());
            assertEquals("bad-request", reply.error());
            assertTrue(reply.json().getString("message").contains(entry.getValue()), entry.getKey() + ": " + reply.body());
        }
        for (String name : List.of("a.txt", "photos/2024/IMG 0001.jpg", "Fotos für Oma/日本/写真 ✓.png", ".hidden/.config",
                "a/..b/c..", "x/".repeat(300) + "deep.txt", "b".repeat(255) + "/" + "c".repeat(255))) {
            Http.Reply reply = http.post(s.files(), s.token(), Json.createObjectBuilder().add("name", name).add("size", 1)
                    .build().toString());
            assertEquals(201, reply.status(), name + ": " + reply.body());
            assertEquals(name, reply.json().getString("name"), "stored as sent");
        }
        assertEquals(7, listed(s).size(), "only the accepted names were listed");
    }

    @Test
    void aTreeIsRegisteredInOneRequestAndTheSessionHearsOnce() throws Exception {
        Session s = session();
        try (RawSocket host = RawSocket.authenticated(server.port(), s.token())) {
            JsonArrayBuilder tree = Json.createArrayBuilder();
            for (int i = 0; i < 1000; i++) {
                tree.add(Json.createObjectBuilder().add("name", "folder " + (i % 20) + "/file " + i + ".bin")
                        .add("size", 10240).add("type", "application/octet-stream"));
            }
            Http.Reply added = http.post(s.files(), s.token(), Json.createObjectBuilder().add("files", tree).build().toString());
            assertEquals(201, added.status(), added.body());
            assertEquals(1000, added.json().getJsonArray("files").size());
            JsonObject first = added.json().getJsonArray("files").getJsonObject(0);
            for (String field : new String[] {"id", "name", "size", "type", "ownerId", "ownerName", "online", "addedAt"}) {
                assertTrue(first.containsKey(field), "each file has the list's shape: " + field);
            }
            assertEquals("folder 0/file 0.bin", first.getString("name"), "in the order sent");
            assertEquals(1000, listed(s).size());
            assertTrue(host.awaitType("files-changed"), "the session hears of the change");
            assertEquals(false, host.awaitType("files-changed", 2000), "once, not once per file");
        }
    }

    @Test
    void aTreeIsListedWholeOrNotAtAll() throws Exception {
        Session s = session();
        String tree = tree(1001, "a/b");
        Http.Reply tooMany = http.post(s.files(), s.token(), tree);
        assertEquals(400, tooMany.status(), tooMany.body());
        assertTrue(tooMany.json().getString("message").contains("at most 1000 files"), tooMany.body());

        assertEquals(201, http.post(s.files(), s.token(), tree(1000, "first")).status());
        Http.Reply past = http.post(s.files(), s.token(), tree(MAX_FILES - 1000 + 1, "second"));
        assertEquals(409, past.status(), past.body());
        assertEquals("too-many-files", past.error());
        assertTrue(past.json().getString("message").contains("at most " + MAX_FILES + " files, and these "
                + (MAX_FILES - 1000 + 1) + " would pass that"), past.body());
        assertEquals(1000, listed(s).size(), "none of the refused tree was listed");

        Http.Reply oneBad = http.post(s.files(), s.token(), "{\"files\":[{\"name\":\"ok/a\",\"size\":1},"
                + "{\"name\":\"ok/../../b\",\"size\":1}]}");
        assertEquals(400, oneBad.status());
        assertTrue(oneBad.json().getString("message").startsWith("files[1]: part 2 of the file path is \"..\""), oneBad.body());
        Http.Reply tooLarge = http.post(s.files(), s.token(), "{\"files\":[{\"name\":\"ok/a\",\"size\":1},"
                + "{\"name\":\"big\",\"size\":1099511627777}]}");
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertTrue(tooLarge.json().getString("message").startsWith("files[1]: "), tooLarge.body());
        for (String body : List.of("{\"files\":[]}", "{\"files\":{}}", "{\"files\":[1]}", "{\"files\":null}")) {
            Http.Reply reply = http.post(s.files(), s.token(), body);
            assertEquals(400, reply.status(), body);
            assertEquals("bad-request", reply.error(), body);
        }
        assertEquals(1000, listed(s).size(), "nothing of a refused request was listed");
        JsonObject limits = http.get("/api/sessions/" + s.id(), s.token()).json().getJsonObject("limits");
        assertEquals(1000, limits.getInt("maxFilesPerRequest"));
        assertEquals(1024, limits.getInt("maxPathLength"));
        assertEquals(262144, limits.getInt("maxRequestBytes"));
    }

    private static String tree(int files, String folder) {
        JsonArrayBuilder tree = Json.createArrayBuilder();
        for (int i = 0; i < files; i++) {
            tree.add(Json.createObjectBuilder().add("name", folder + "/" + i).add("size", 1));
        }
        return Json.createObjectBuilder().add("files", tree).build().toString();
    }

    private static List<String> listed(Session s) throws Exception {
        List<String> names = new ArrayList<>();
        http.get(s.files(), s.token()).json().getJsonArray("files")
                .forEach(f -> names.add(f.asJsonObject().getString("name")));
        return names;
    }

    private record Session(String id, String token) {
        String files() {
            return "/api/sessions/" + id + "/files";
        }
    }

    private static Session session() throws Exception {
        Http.Reply created = http.post("/api/sessions", null, "{}");
        return new Session(created.json().getString("sessionId"), created.json().getString("token"));
    }
}
