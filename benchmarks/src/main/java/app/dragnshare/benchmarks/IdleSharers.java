package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;
import static app.dragnshare.benchmarks.harness.Stats.mib;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;

import app.dragnshare.benchmarks.harness.HarnessRedis;
import app.dragnshare.benchmarks.harness.IdleSockets;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * N idle sharer sockets on one server instance (the real jar, its own process, -Xmx1g by
 * default), as open tabs nobody downloads from: what they cost in Redis connections and heap,
 * how fast a download request still reaches its sharer, and what a crowd of pending downloads
 * (more than MAX_TRANSFERS_PER_INSTANCE) does to sharers and the REST API.
 *
 * <pre>
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.IdleSharers [--sharers 10000]
 *      [--pending 700] [--max-transfers 1000] [--latency-samples 300] [--server-heap 1g]
 *      [--server-settings NAME=VALUE,...] [--dir DIR] [--quick]
 * </pre>
 */
public final class IdleSharers {
    private static final Set<String> VALUED = Set.of("sharers", "pending", "max-transfers", "latency-samples",
            "server-heap", "server-settings", "dir");
    private static final Set<String> FLAGS = Set.of("quick");
    private static final int PER_SESSION = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    private IdleSharers() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, VALUED, FLAGS);
        boolean quick = o.flag("quick");
        int sharers = o.integer("sharers", quick ? 300 : 10_000);
        int pending = o.integer("pending", quick ? 60 : 700);
        int maxTransfers = o.integer("max-transfers", quick ? 40 : 1000);
        int samples = o.integer("latency-samples", quick ? 30 : 300);
        if (sharers < 2 * pending + 2 * samples) {
            throw new IllegalArgumentException("--sharers must be at least 2 × (pending + latency-samples)");
        }
        Map<String, String> env = new java.util.HashMap<>(ServerUnderTest.settings(o.settings("server-settings")));
        env.put("MAX_TRANSFERS_PER_INSTANCE", Integer.toString(maxTransfers));
        // every socket and download is a connection; from 90 % of MAX_CONNECTIONS on, the server closes idle keep-alive ones
        env.putIfAbsent("MAX_CONNECTIONS", Integer.toString(2 * (sharers + pending) + 1_000));
        run(sharers, pending, samples, o.text("server-heap", "1g"), env, o.text("dir", null), System.out);
        System.exit(0);
    }

    static void run(int sharers, int pending, int samples, String heap, Map<String, String> env, String dirName,
                    PrintStream out) throws Exception {
        out.println("Drag-n-Share idle sharers: " + sharers + " sockets on one instance (-Xmx" + heap + "), then "
                + pending + " pending downloads with MAX_TRANSFERS_PER_INSTANCE=" + env.get("MAX_TRANSFERS_PER_INSTANCE"));
        out.println("machine: " + Machine.describe() + "; load average before: " + Machine.loadAverage());
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> heard = new ConcurrentHashMap<>();
        try (WorkDir dir = WorkDir.create(dirName, "dns-idle-sharers-", out);
             HarnessRedis redis = HarnessRedis.start();
             ServerUnderTest server = ServerUnderTest.start(ProjectJars.find(), heap, dir.path(),
                     with(env, "REDIS_URL", redis.url()), List.of());
             IdleSockets sockets = new IdleSockets((member, request, ws) -> {
                 String transferId = request.getString("transferId");
                 heard.put(transferId, System.nanoTime());
                 if (sent.containsKey(transferId)) { // a latency sample: answer, so the transfer ends at once
                     ws.sendText("{\"type\":\"decline\",\"transferId\":\"" + transferId + "\",\"code\":\"declined\"}", true);
                 }
             })) {
            URI url = server.url();
            long t = System.nanoTime();
            List<IdleSockets.Member> members = sockets.members(url, sharers, PER_SESSION);
            out.println(format("made %d members in %d sessions in %.1f s", sharers, (sharers + PER_SESSION - 1) / PER_SESSION,
                    seconds(t)));
            long baseline = server.liveHeapAfterFullGc();

            t = System.nanoTime();
            sockets.open(url, members, 500);
            awaitReady(sockets, sharers);
            out.println(format("opened and authenticated %d sharer sockets in %.1f s; closed by the server: %s",
                    sharers, seconds(t), sockets.closes()));
            Thread.sleep(5_000); // a few upkeep rounds (presence renewals, re-checks) with all of them
            long live = server.liveHeapAfterFullGc();
            out.println(format("server live heap after a full GC: %s with no socket, %s with %d: %.1f KB per idle socket",
                    mib(baseline), mib(live), sharers, (live - baseline) / 1024.0 / sharers));
            out.println("server: " + server.status().threads() + " threads, peak RSS " + mib(server.status().peakRssBytes()));
            out.println("Redis connections of the instance (CLIENT LIST): " + connections(redis) + "; Redis clients in all: "
                    + redis.info().get("connected_clients"));
            histogram(server, out);

            List<Double> idle = latencies(sockets, url, members, sharers - 1, samples, sent, heard);
            out.println(format("download request → sharer's request message, %d samples among %d idle sockets: "
                    + "p50 %.1f ms, p99 %.1f ms, max %.1f ms", idle.size(), sharers, pct(idle, 50), pct(idle, 99), pct(idle, 100)));

            // pending downloads: owners 0, 2, 4, ... never answer; receivers are their neighbours
            List<CompletableFuture<HttpResponse<InputStream>>> downloads = new ArrayList<>();
            t = System.nanoTime();
            for (int d = 0; d < pending; d++) {
                downloads.add(download(sockets, url, members, 2 * d, 2 * d + 1, null, sent));
            }
            Thread.sleep(5_000);
            int busy = 0;
            int withRetryAfter = 0;
            for (CompletableFuture<HttpResponse<InputStream>> download : downloads) {
                HttpResponse<InputStream> response = download.getNow(null);
                if (response != null && response.statusCode() == 503) {
                    busy++;
                    withRetryAfter += response.headers().firstValue("Retry-After").isPresent() ? 1 : 0;
                }
            }
            out.println(format("%d downloads sent in %.1f s: %d got 503 server-busy (%d with Retry-After), %d pending; "
                            + "%d requests reached their sharer", pending, seconds(t), busy, withRetryAfter, pending - busy,
                    heard.size() - idle.size()));
            List<Double> reads = rest(sockets, url, members);
            int before = heard.size();
            List<Double> during = latencies(sockets, url, members, sharers - 1 - 2 * samples, Math.min(50, samples), sent, heard);
            long refused = during.stream().filter(d -> d.isInfinite()).count();
            out.println(format("while they wait: %d more downloads: %d reached their sharer (p50 %.1f ms, p99 of those %.1f ms), "
                            + "%d refused (the instance is at its limit); REST GET p50 %.1f ms, p99 %.1f ms; "
                            + "sockets closed by the server: %s; Redis connections of the instance: %d",
                    during.size(), heard.size() - before, pct(finite(during), 50), pct(finite(during), 99), refused,
                    pct(reads, 50), pct(reads, 99), sockets.closes(), connections(redis)));
            downloads.forEach(d -> d.cancel(true));
            out.println("load average after: " + Machine.loadAverage());
            dir.succeeded();
        }
    }

    /** Sends one download per sample, 10 ms apart, and returns each one's time to its sharer's socket (ms). */
    private static List<Double> latencies(IdleSockets sockets, URI url, List<IdleSockets.Member> members, int lastOwner,
                                          int count, Map<String, Long> sent, Map<String, Long> heard) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int owner = lastOwner - 2 * k;
            String transferId = random(16);
            ids.add(transferId);
            download(sockets, url, members, owner, owner - 1, transferId, sent);
            Thread.sleep(10);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!heard.keySet().containsAll(ids) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Double> ms = new ArrayList<>();
        for (String id : ids) {
            Long at = heard.get(id);
            ms.add(at == null ? Double.POSITIVE_INFINITY : (at - sent.get(id)) / 1e6);
        }
        return ms.stream().sorted().toList();
    }

    /** Starts a download of a new file of {@code owner} by {@code receiver} (same session); a transferId marks a sample. */
    private static CompletableFuture<HttpResponse<InputStream>> download(IdleSockets sockets, URI url, List<IdleSockets.Member> members,
                                                                         int owner, int receiver, String sample,
                                                                         Map<String, Long> sent) throws Exception {
        IdleSockets.Member o = members.get(owner);
        String fileId = sockets.post(url, "/api/sessions/" + o.sessionId() + "/files", o.token(),
                "{\"name\":\"f.bin\",\"size\":1000}").getString("id");
        String transferId = sample != null ? sample : random(16);
        String body = "{\"transferId\":\"" + transferId + "\",\"publicKey\":\"" + random(65) + "\",\"hmac\":\"" + random(32) + "\"}";
        HttpRequest request = HttpRequest.newBuilder(url.resolve("/api/sessions/" + o.sessionId() + "/files/" + fileId + "/transfers"))
                .header("Authorization", "Bearer " + members.get(receiver).token())
                .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        if (sample != null) {
            sent.put(transferId, System.nanoTime());
        }
        return sockets.client().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** 50 session reads over REST, in ms. */
    private static List<Double> rest(IdleSockets sockets, URI url, List<IdleSockets.Member> members) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            IdleSockets.Member m = members.get(RANDOM.nextInt(members.size()));
            long t = System.nanoTime();
            HttpResponse<String> response = sockets.client().send(HttpRequest.newBuilder(url.resolve("/api/sessions/" + m.sessionId()))
                    .header("Authorization", "Bearer " + m.token()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("REST read failed: " + response.statusCode() + " " + response.body());
            }
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return ms.stream().sorted().toList();
    }

    private static void awaitReady(IdleSockets sockets, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (sockets.ready() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + sockets.ready() + " of " + count + " sockets ready within 5 min; "
                        + "closed: " + sockets.closes());
            }
            Thread.sleep(100);
        }
    }

    /** Connections named drag-n-share-* (the one server instance of this run), as Redis counts them. */
    private static long connections(HarnessRedis redis) {
        try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
            return jedis.clientList().lines().filter(l -> l.contains(" name=drag-n-share-")).count();
        }
    }

    /** The top of the server's heap histogram (jcmd GC.class_histogram): what holds the memory. */
    private static void histogram(ServerUnderTest server, PrintStream out) throws Exception {
        Path jcmd = Path.of(ProjectJars.java()).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.handle().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor(60, TimeUnit.SECONDS);
        out.println("server heap histogram, top 20 (jcmd GC.class_histogram):");
        lines.stream().skip(1).limit(22).forEach(l -> out.println("  " + l));
    }

    private static List<Double> finite(List<Double> sorted) {
        return sorted.stream().filter(d -> !d.isInfinite()).toList();
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(name, value);
        return all;
    }

    private static String random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
