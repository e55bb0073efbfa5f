package app.dragnshare.client.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.transfer.Progress;
import app.dragnshare.client.transfer.Receiver;
import app.dragnshare.client.transfer.TransferFailedException;

/**
 * Downloads files a few at a time ({@link #PARALLEL}): with many small files most of each
 * file's time is round trips (the request, the sharer's offer), which overlap. Prints each saved
 * path on stdout as it is complete and each failure on stderr; a tampering relay stops the rest.
 */
final class DownloadPool {
    /**
     * Downloads at once; a sharer serves up to MAX_TRANSFERS_PER_SENDER (8 by default) at once, so
     * two slots stay for others. ManyFiles (1,000 small files, one warm server, alternated): 6 or 8
     * at once took 6.0 - 6.6 s, 4 at once 6.7 - 8.4 s.
     */
    static final int PARALLEL = 6;

    private final Receiver receiver;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean tampered;
    /** A request did not verify at the sharer: most often the link's key is cut or mistyped. */
    private volatile boolean linkSuspect;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    private CliException firstFailure;

    DownloadPool(Receiver receiver, PrintStream out, PrintStream err) {
        this.receiver = receiver;
        this.out = out;
        this.err = err;
    }

    /** Downloads every file; returns the first failure (tampering before any other), or null when all arrived. */
    CliException run(List<RemoteFile> files, Supplier<Progress> progress) throws InterruptedException {
        int threads = Math.min(PARALLEL, files.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofVirtual().name("download-", 0).factory());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (RemoteFile file : files) {
                running.add(pool.submit(() -> download(file, progress.get(), pool)));
            }
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException e) {
                    // stopped after tampering, or failed: already reported
                }
            }
        } finally {
            stop(pool);
        }
        return firstFailure;
    }

    /**
     * Interrupts the running downloads (a virtual thread's interrupt closes the socket it reads)
     * and cancels the queued ones: their futures would otherwise never complete, and run() would
     * wait on them for ever.
     */
    private static void stop(ExecutorService pool) {
        for (Runnable queued : pool.shutdownNow()) {
            if (queued instanceof Future<?> future) {
                future.cancel(false);
            }
        }
    }

    private void download(RemoteFile file, Progress progress, ExecutorService pool) {
        if (tampered) {
            return;
        }
        running.incrementAndGet();
        try {
            Path saved = receiver.download(file, progress);
            synchronized (out) {
                out.println(saved);
            }
        } catch (Exception e) {
            if (tampered) {
                return; // stopped because another download saw tampering, which was said already
            }
            CliException failure = Failures.of(e);
            synchronized (this) {
                err.println("drag-n-share: " + TerminalText.visible(file.name()) + ": " + failure.getMessage());
                if (failure.exitCode() == ExitCode.TAMPERED) {
                    tampered = true;
                    linkSuspect = e instanceof TransferFailedException t && "unverified".equals(t.code());
                    firstFailure = failure;
                    stop(pool); // a tampering relay is not to be trusted with the rest either
                } else if (firstFailure == null) {
                    firstFailure = failure;
                }
            }
        } finally {
            running.decrementAndGet();
        }
    }

    /** Downloads under way now (for the Ctrl-C message). */
    int running() {
        return running.get();
    }

    /** Whether the tampering that stopped the downloads was a request the sharer could not verify. */
    boolean linkSuspect() {
        return linkSuspect;
    }
}
