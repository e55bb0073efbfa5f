package app.dragnshare.server.session;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.json.JsonObject;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.redis.Script;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * Sessions, members and file metadata in Redis. Every key carries the session's idle TTL, which
 * any member's activity renews; when it lapses, everything of the session is gone.
 */
public final class SessionStore {
    /** Outcome of adding to a bounded set. */
    public enum Added { ADDED, FULL, NO_SESSION }

    /** One script, so a session never exists without its host or its TTL. */
    private static final Script CREATE = new Script("""
            redis.call('HSET', KEYS[1], 'name', ARGV[2], 'joinCode', ARGV[3], 'host', ARGV[4], 'created', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[4], ARGV[6])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return 1""");
    /** HSET on the session hash only while it exists, so an update never recreates it without a TTL. */
    private static final Script UPDATE = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1""");

    /**
     * How long the server remembers that a host ended a session: a visitor within that time is
     * told "the host ended it"; after it, "no such session" (as for one that expired).
     */
    public static final Duration ENDED_KEPT = Duration.ofHours(24);

    /**
     * Adds ARGV[3..] (id, json pairs) to hash KEYS[1] only if session KEYS[2] exists (-1) and the
     * hash stays within ARGV[2] entries (0): a tree is listed whole or not at all.
     */
    private static final Script ADD_FILES = new Script("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            if redis.call('HLEN', KEYS[1]) + (#ARGV - 2) / 2 > tonumber(ARGV[2]) then return 0 end
            redis.call('HSET', KEYS[1], unpack(ARGV, 3))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1""");

    private final UnifiedJedis redis;
    private final Duration idleTtl;
    private final Clock clock;

    public SessionStore(UnifiedJedis redis, Duration idleTtl, Clock clock) {
        this.redis = redis;
        this.idleTtl = idleTtl;
        this.clock = clock;
    }

    public void create(SessionRecord session, MemberRecord host) {
        String ttl = ttlMillis();
        CREATE.run(redis, List.of(Keys.session(session.id()), Keys.members(session.id())),
                ttl, session.name(), session.joinCode(), host.id(), Long.toString(session.createdAt()),
                host.toJson().toString());
    }

    public Optional<SessionRecord> find(String sessionId) {
        Map<String, String> fields = redis.hgetAll(Keys.session(sessionId));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SessionRecord(sessionId, fields.get("name"), fields.get("joinCode"), fields.get("host"),
                Long.parseLong(fields.getOrDefault("created", "0"))));
    }

    public Added addMember(String sessionId, MemberRecord member, int max) {
        return added(Scripts.ADD_BOUNDED.runForLong(redis, List.of(Keys.members(sessionId), Keys.session(sessionId)),
                ttlMillis(), member.id(), member.toJson().toString(), Integer.toString(max)));
    }

    public Optional<MemberRecord> member(String sessionId, String memberId) {
        return Optional.ofNullable(redis.hget(Keys.members(sessionId), memberId)).map(s -> MemberRecord.fromJson(parse(s)));
    }

    public List<MemberRecord> members(String sessionId) {
        List<MemberRecord> members = new ArrayList<>();
        for (String json : redis.hgetAll(Keys.members(sessionId)).values()) {
            members.add(MemberRecord.fromJson(parse(json)));
        }
        members.sort(Comparator.comparingLong(MemberRecord::joinedAt));
        return members;
    }

    /** Sets a field of an existing session; false if the session is gone. */
    public boolean update(String sessionId, String field, String value) {
        return UPDATE.runForLong(redis, List.of(Keys.session(sessionId)), field, value) == 1;
    }

    /**
     * Deletes the session and everything in it, leaving only its tombstone ({@link #ENDED_KEPT});
     * returns who was a member, so they can be told.
     */
    public List<MemberRecord> delete(String sessionId) {
        List<MemberRecord> members = members(sessionId);
        try {
            // first, so nobody ever finds the session neither there nor ended; one small key per ended session
            redis.set(Keys.ended(sessionId), "1", SetParams.setParams().px(ENDED_KEPT.toMillis()));
        } catch (JedisDataException e) {
            if (!RedisErrors.isFull(e)) {
                throw e;
            }
            // a full Redis refuses the tombstone: ending still works, and later visitors hear "not found"
        }
        List<String> keys = new ArrayList<>(List.of(Keys.session(sessionId), Keys.files(sessionId), Keys.members(sessionId)));
        for (MemberRecord m : members) {
            keys.add(Keys.online(sessionId, m.id()));
        }
        redis.del(keys.toArray(String[]::new));
        return members;
    }

    /** True while the tombstone of a session its host ended is kept. */
    public boolean wasEnded(String sessionId) {
        return redis.exists(Keys.ended(sessionId));
    }

    /** Lists all of {@code files} at once, or none when they would take the session past {@code max}. */
    public Added addFiles(String sessionId, List<FileRecord> files, int max) {
        List<String> args = new ArrayList<>(2 + 2 * files.size());
        args.add(ttlMillis());
        args.add(Integer.toString(max));
        for (FileRecord file : files) {
            args.add(file.id());
            args.add(file.toJson().toString());
        }
        return added(ADD_FILES.runForLong(redis, List.of(Keys.files(sessionId), Keys.session(sessionId)),
                args.toArray(String[]::new)));
    }

    public Optional<FileRecord> file(String sessionId, String fileId) {
        return Optional.ofNullable(redis.hget(Keys.files(sessionId), fileId)).map(s -> FileRecord.fromJson(parse(s)));
    }

    public List<FileRecord> files(String sessionId) {
        List<FileRecord> files = new ArrayList<>();
        for (String json : redis.hgetAll(Keys.files(sessionId)).values()) {
            files.add(FileRecord.fromJson(parse(json)));
        }
        files.sort(Comparator.comparingLong(FileRecord::addedAt).thenComparing(FileRecord::name));
        return files;
    }

    public boolean removeFile(String sessionId, String fileId) {
        return redis.hdel(Keys.files(sessionId), fileId) == 1;
    }

    /** Renews the idle TTL of the session's keys; false when the session no longer exists. */
    public boolean touch(String sessionId) {
        return Scripts.TOUCH.runForLong(redis,
                List.of(Keys.session(sessionId), Keys.files(sessionId), Keys.members(sessionId)), ttlMillis()) > 0;
    }

    /** Queues {@link #touch} on a pipeline; its answer is 0 when the session no longer exists. */
    public Response<Object> touch(AbstractPipeline pipeline, String sessionId) {
        return Scripts.TOUCH.queue(pipeline, List.of(Keys.session(sessionId), Keys.files(sessionId), Keys.members(sessionId)),
                ttlMillis());
    }

    public long now() {
        return clock.millis();
    }

    private String ttlMillis() {
        return Long.toString(idleTtl.toMillis());
    }

    private static Added added(long result) {
        return result == 1 ? Added.ADDED : result == 0 ? Added.FULL : Added.NO_SESSION;
    }

    static JsonObject parse(String json) {
        try (var reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
