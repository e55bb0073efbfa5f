package app.dragnshare.server.testing;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Tunnel} filter that flips one character inside the base64 data of a chunk event
 * (the third or later). It flips only inside a run of 60 base64 characters, so it never
 * touches the HTTP chunked-encoding framing that may split a data line anywhere.
 */
public final class ChunkAlterer implements Tunnel.Filter {
    private final AtomicBoolean altered;
    private final StringBuilder recent = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private boolean eventStream;
    private long eventId = -1;
    private boolean inData;
    private int base64Run;

    /** {@code altered} is set when this (or another connection's) alterer has flipped its character. */
    public ChunkAlterer(AtomicBoolean altered) {
        this.altered = altered;
    }

    @Override
    public void apply(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (!eventStream) {
                recent.append(c);
                if (recent.length() > 40) {
                    recent.delete(0, recent.length() - 40);
                }
                eventStream = recent.toString().contains("text/event-stream");
            }
            base64Run = isBase64(c) ? base64Run + 1 : 0;
            if (inData && base64Run == 60 && !altered.get()) {
                bytes[i] = (byte) (c == 'A' ? 'B' : 'A');
                altered.set(true);
            }
            if (c == '\n') {
                String text = line.toString().strip();
                if (text.isEmpty()) {
                    eventId = -1;
                    inData = false;
                } else if (text.startsWith("id:")) {
                    eventId = parse(text.substring(3).strip());
                }
                line.setLength(0);
            } else if (line.length() < 24) {
                line.append(c);
                if (line.length() == 5 && line.toString().equals("data:") && eventStream && eventId >= 2) {
                    inData = true;
                }
            }
        }
    }

    private boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    private long parse(String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
