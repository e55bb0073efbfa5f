package app.dragnshare.server.sharer;

/**
 * A chunk being received: its Redis element, {@code index (4 bytes BE) || ciphertext}, sized
 * exactly, and how much of it has arrived. A chunk may come in several binary messages (PROTOCOL.md
 * §6.3), so this outlives one message; it belongs to its transfer.
 */
final class PartialChunk {
    final long index;
    final byte[] element;
    int fill;

    PartialChunk(long index, int cipherLength) {
        this.index = index;
        this.element = new byte[4 + cipherLength];
        element[0] = (byte) (index >>> 24);
        element[1] = (byte) (index >>> 16);
        element[2] = (byte) (index >>> 8);
        element[3] = (byte) index;
        this.fill = 4;
    }

    boolean complete() {
        return fill == element.length;
    }
}
