package app.dragnshare.server.websocket;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.helidon.websocket.WsCloseCodes;

/**
 * Decodes a text message's frames piece by piece as strict UTF-8 (RFC 6455 §8.1: invalid UTF-8
 * fails the connection with 1007). A character may be split across pieces and frames; its
 * first bytes wait here for the rest. Buffers are reused, so a long message is never held whole.
 */
final class TextDecoder {
    /** Small: every sharer socket keeps one decoder (8 KiB pieces cost 24 KB a socket), and text messages are short. */
    private static final int PIECE = 1024;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer in = ByteBuffer.allocate(PIECE);
    private final CharBuffer out = CharBuffer.allocate(PIECE); // UTF-8 never gives more chars than bytes

    /**
     * Reads the next piece of {@code frame} and returns its text ("" when it held only part of a
     * character). {@code lastFrame}: this frame ends the message, so once it is read whole the
     * message must end on a complete character.
     */
    String next(Payload frame, boolean lastFrame) throws FrameException {
        int n = frame.read(in.array(), in.position(), in.remaining());
        in.position(in.position() + n).flip();
        boolean end = lastFrame && frame.available() == 0;
        CoderResult result = decoder.decode(in, out, end);
        if (!result.isError() && end) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new FrameException(WsCloseCodes.NOT_CONSISTENT, "text message is not valid UTF-8");
        }
        in.compact();
        String text = out.flip().toString();
        out.clear();
        if (end) {
            decoder.reset();
            in.clear();
        }
        return text;
    }

    /** A close reason: the whole of it must be valid UTF-8. */
    static String strict(byte[] bytes, int offset, int length) throws FrameException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException(WsCloseCodes.NOT_CONSISTENT, "close reason is not valid UTF-8");
        }
    }
}
