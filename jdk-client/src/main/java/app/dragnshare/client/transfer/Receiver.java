package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.UnreachableException;
import app.dragnshare.client.crypto.KeyReuse;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.crypto.TamperingException;

/**
 * Downloads one file into a hidden part in the output folder, resuming where it stopped: when
 * the stream drops or the sharer goes offline it waits (a bounded grace period) and asks again
 * from the first chunk it has not verified; a later run picks the part up the same way
 * ({@link PartialDownload}). Only when the last chunk has verified and every byte is there does
 * the file get its real name, and then the sharer gets the receipt (PROTOCOL.md §4.9). Nothing
 * partial ever looks complete: the part stays hidden, and is deleted when the transfer was
 * tampered with or the file is no longer shared.
 */
public final class Receiver implements AutoCloseable {
    /** The grace period when none is given: how long a dropped download waits for the sharer. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);
    /** Failures a new request may get past: the connection, the sharer's presence, the server's load. */
    private static final Set<String> RESUMABLE = Set.of("connection-lost", "sender-gone", "owner-offline", "timeout",
            "stalled", "server-error", "server-busy", "shutting-down", "sharer-busy");
    /** The sharer cannot continue where the part ends: the part is started over at once. */
    private static final Set<String> START_OVER = Set.of("bad-start", "resume-unsupported");
    /** The part is worth nothing any more: tampering, or a file that is no longer offered. */
    private static final Set<String> DISCARD = Set.of("tampered", "unavailable", "declined", "cancelled", "bad-offer",
            "file-not-found");
    private static final long[] BACKOFF_MILLIS = {1_000, 2_000, 3_000, 5_000};

    private final ServerApi api;
    private final Membership me;
    private final SessionKeys keys;
    private final Path folder;
    private final Duration grace;
    private final boolean paceFromStart;
    private volatile Long serverProtocol; // several downloads may share one Receiver at once
    /** The run's socket for acknowledgements of paced downloads (PROTOCOL.md §7), opened at the first. */
    private AckSocket acks;
    /** A socket could not be opened: this run's later downloads go unpaced. */
    private boolean acksFailed;
    /** One key pair for this run's requests, renewed after its share (PROTOCOL.md §4.10). */
    private final KeyReuse keyReuse = new KeyReuse();

    public Receiver(ServerApi api, Membership me, SessionKeys keys, Path folder) {
        this(api, me, keys, folder, DEFAULT_GRACE);
    }

    public Receiver(ServerApi api, Membership me, SessionKeys keys, Path folder, Duration grace) {
        this(api, me, keys, folder, grace, false);
    }

    /**
     * @param paceFromStart pace every download from its first chunk ({@code receive --pace}); else
     *                      only a resumed one (PROTOCOL.md §7)
     */
    public Receiver(ServerApi api, Membership me, SessionKeys keys, Path folder, Duration grace, boolean paceFromStart) {
        this.paceFromStart = paceFromStart;
        this.api = api;
        this.me = me;
        this.keys = keys;
        this.folder = folder;
        this.grace = grace;
    }

    /** Returns where the complete, verified file was saved. */
    public Path download(RemoteFile file, Progress progress)
            throws TamperingException, TransferFailedException, IOException, ApiException, UnreachableException {
        boolean finished = false;
        try (PartialDownload part = PartialDownload.open(folder, me.sessionId(), file.id(),
                new PartialDownload.RemoteFileTerms(file.name(), file.size()))) {
            if (part.discarded() != null) {
                progress.notice(part.discarded());
            }
            Path saved = download(file, part, progress);
            finished = true;
            return saved;
        } finally {
            progress.finished(finished);
        }
    }

    private Path download(RemoteFile file, PartialDownload part, Progress progress)
            throws TamperingException, TransferFailedException, IOException, ApiException, UnreachableException {
        boolean[] started = {false};
        long pausedAt = 0; // System.nanoTime() when the current pause began; 0 while the download goes
        long verifiedAtPause = -1;
        int retries = 0;
        while (true) {
            DownloadAttempt attempt = null;
            Exception failure;
            try {
                if (part.verifiedChunks() > 0 && !serverResumes()) {
                    part.restart();
                    progress.notice("the server cannot resume downloads; starting over");
                }
                DownloadAttempt current = new DownloadAttempt(api, me, keys, keyReuse, file, part, ackSocket(file, part));
                attempt = current;
                DownloadAttempt.Completed done;
                try (ProgressReports reports = new ProgressReports(api, me)) {
                    done = current.run((name, size, start, chunkSize) -> {
                        if (!started[0]) {
                            started[0] = true;
                            progress.started(name, size, Math.min(size, start * chunkSize));
                        }
                        reports.follow(current.transferId(), part::verifiedChunks);
                    }, progress);
                }
                Path saved = part.complete(done.name()); // its path, made safe inside the output folder
                confirm(done, progress);
                return saved;
            } catch (DownloadAttempt.Mismatch e) {
                progress.notice(e.getMessage());
                part.restart();
                continue;
            } catch (TamperingException e) {
                if (attempt != null) {
                    attempt.reportTampering(); // already said while its stream was open, unless it failed before that
                }
                part.discard();
                throw e;
            } catch (TransferFailedException e) {
                if (START_OVER.contains(e.code())) {
                    progress.notice(e.getMessage());
                    part.restart();
                    continue;
                }
                if (DISCARD.contains(e.code())) {
                    part.discard();
                }
                if (!RESUMABLE.contains(e.code())) {
                    throw e;
                }
                failure = e;
            } catch (ApiException e) {
                if (DISCARD.contains(e.code())) {
                    part.discard();
                }
                if (!RESUMABLE.contains(e.code()) && e.status() < 500) {
                    throw e;
                }
                failure = e;
            } catch (UnreachableException e) {
                failure = e;
            }
            // the stream dropped or the sharer is away: wait for it, then go on from the last verified chunk
            if (grace.isZero()) {
                throw gaveUp(failure, part);
            }
            if (pausedAt == 0 || part.verifiedChunks() > verifiedAtPause) {
                pausedAt = System.nanoTime();
                verifiedAtPause = part.verifiedChunks();
                retries = 0;
                progress.paused(failure.getMessage() + "; waiting up to " + seconds(grace)
                        + " for the sharer to come back, then going on from the last verified chunk");
            }
            if (System.nanoTime() - pausedAt > grace.toNanos()) {
                throw gaveUp(failure, part);
            }
            pause(BACKOFF_MILLIS[Math.min(retries++, BACKOFF_MILLIS.length - 1)], failure);
        }
    }

    /** Sends the receipt; the file is saved either way, so a failure here only costs the sharer its confirmation. */
    private void confirm(DownloadAttempt.Completed done, Progress progress) {
        try {
            api.report(me, done.transferId(), done.chunks(), done.receipt(), null);
        } catch (ApiException | UnreachableException e) {
            progress.notice("the file is saved and verified, but the sharer could not be told (" + e.getMessage()
                    + "); it will report the file as unconfirmed");
        }
    }

    private boolean serverResumes() throws ApiException, UnreachableException {
        return serverProtocol() >= 2;
    }

    private long serverProtocol() throws ApiException, UnreachableException {
        if (serverProtocol == null) {
            serverProtocol = api.protocol();
        }
        return serverProtocol;
    }

    /**
     * Where a download of {@code file} acknowledges its chunks, so that the server paces it
     * (PROTOCOL.md §7): the run's socket, opened (again, in the background) if need be. Null when
     * the download goes unpaced: one that has not been interrupted yet (unless --pace), a file of
     * at most two chunks, a server older than protocol 3, or a run whose socket could not be
     * opened (a proxy without WebSockets, say: its first paced download waited out the server's
     * patience, 5 s).
     * <p>
     * Why only a resumed download: pacing bounds what an interruption re-sends to about a chunk,
     * but costs a fast link 10 – 20 % of its throughput, a 50 ms link about 25 % (benchmarks/README.md,
     * "Issue 12's re-send, round 2"), while what it saves there is a few megabytes, hundredths of a second.
     * A download that was interrupted once is on a link that drops: from then on every
     * interruption costs about a chunk.
     */
    private AckSocket ackSocket(RemoteFile file, PartialDownload part) throws ApiException, UnreachableException {
        if (!paceFromStart && part.verifiedChunks() == 0) {
            return null;
        }
        if (file.size() <= 2L * Chunking.DEFAULT_CHUNK_SIZE || serverProtocol() < 3) { // the window holds two chunks
            return null;
        }
        synchronized (this) {
            if (acks != null && acks.neverOpened()) {
                acksFailed = true; // pacing is an optimisation: not worth a download waiting for acknowledgements per file
            }
            if (acksFailed) {
                return null;
            }
            if (acks == null || acks.broken()) {
                if (acks != null) {
                    acks.close(); // a send that failed leaves the connection open
                }
                acks = AckSocket.connect(api, me);
            }
            return acks;
        }
    }

    /** Closes the socket of paced downloads, if one was opened. */
    @Override
    public synchronized void close() {
        if (acks != null) {
            acks.close();
            acks = null;
        }
    }

    private static TransferFailedException gaveUp(Exception failure, PartialDownload part) {
        String code = failure instanceof TransferFailedException f ? f.code()
                : failure instanceof ApiException a ? a.code() : "unreachable";
        String kept = part.verifiedChunks() > 0
                ? "; what was received is kept hidden in the output folder: run the same command again to resume" : "";
        return new TransferFailedException(code, failure.getMessage() + kept);
    }

    private static void pause(long millis, Exception failure) throws TransferFailedException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferFailedException("interrupted", "interrupted while waiting: " + failure.getMessage());
        }
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
    }
}
