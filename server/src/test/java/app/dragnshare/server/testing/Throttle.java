package app.dragnshare.server.testing;

/**
 * A {@link Tunnel} filter that holds the server's bytes back to about {@code bytesPerSecond} on
 * one connection, so a test can act while a transfer is half way (a slow line, not a broken one).
 */
public final class Throttle implements Tunnel.Filter {
    private final long bytesPerSecond;
    private final long started = System.nanoTime();
    private long passed;

    public Throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public void apply(byte[] bytes, int length) {
        passed += length;
        long due = started + passed * 1_000_000_000L / bytesPerSecond; // when these bytes may pass at the rate
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
