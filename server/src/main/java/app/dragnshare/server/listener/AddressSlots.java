package app.dragnshare.server.listener;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open connections per client address, each address allowed at most {@code perAddress}: one
 * address cannot take the whole instance's connection cap. An address leaves the map with its
 * last connection, so the map holds only addresses that are connected now.
 */
public final class AddressSlots {
    private final int perAddress;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    public AddressSlots(int perAddress) {
        this.perAddress = perAddress;
    }

    /** Takes a slot for {@code address}; false (and counted) if it already holds {@code perAddress}. */
    public boolean take(String address) {
        boolean[] taken = {false};
        open.compute(address, (a, n) -> {
            int held = n == null ? 0 : n;
            if (held >= perAddress) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) {
            refused.incrementAndGet();
        }
        return taken[0];
    }

    public void release(String address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections {@code address} holds now. */
    public int held(String address) {
        return open.getOrDefault(address, 0);
    }

    /** Connections refused since start because their address was at its cap. */
    public long refused() {
        return refused.get();
    }

    public int perAddress() {
        return perAddress;
    }
}
