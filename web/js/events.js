// Reads a text/event-stream (PROTOCOL.md §7) from a fetch Response. EventSource cannot POST or
// send an Authorization header, so the download stream is parsed here, with a bound on line
// length so a misbehaving server cannot make the tab buffer without end. It works on the bytes:
// line ends are found with the typed array's native indexOf and each line is decoded once, so a
// chunk's long data line costs native scans and copies instead of a JavaScript loop per character.

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const LATIN1 = new TextDecoder('latin1');

/** Yields { event, id, data } for each dispatched event; comments (heartbeats) only call onActivity. */
export async function* serverEvents(response, { maxLine, onActivity = () => {} }) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventParser(decoder);
  let line = new Uint8Array(4096); // the current line while it spans several reads
  let lineLength = 0;
  let skipLf = false; // the last line ended with CR: an LF right after it belongs to that end
  const append = (bytes) => {
    const needed = lineLength + bytes.length;
    if (needed > maxLine) throw new Error(`the server sent a line longer than ${maxLine} characters`);
    if (needed > line.length) {
      const grown = new Uint8Array(Math.min(maxLine, Math.max(needed, line.length * 2)));
      grown.set(line.subarray(0, lineLength));
      line = grown;
    }
    line.set(bytes, lineLength);
    lineLength = needed;
  };
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return; // a half line at the end is dropped, as the format says
      onActivity();
      let start = 0;
      let cr = value.indexOf(CR);
      while (start < value.length) {
        if (skipLf) {
          skipLf = false;
          if (value[start] === LF) {
            start++;
            continue;
          }
        }
        if (cr !== -1 && cr < start) cr = value.indexOf(CR, start);
        const lf = value.indexOf(LF, start);
        const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
        if (end === -1) {
          append(value.subarray(start));
          break;
        }
        skipLf = end === cr;
        let bytes = value.subarray(start, end);
        start = end + 1;
        if (lineLength > 0) {
          append(bytes);
          bytes = line.subarray(0, lineLength);
          lineLength = 0;
        }
        const event = parser.line(bytes);
        if (event) yield event;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** The fields of the event being read; line(bytes) returns the event a blank line dispatches. */
class EventParser {
  event = null;
  id = null;
  data = null;

  constructor(decoder) {
    this.decoder = decoder;
  }

  line(bytes) {
    if (bytes.length === 0) {
      const dispatched = this.data === null ? null : { event: this.event ?? 'message', id: this.id, data: this.data };
      this.event = null;
      this.data = null;
      return dispatched;
    }
    if (bytes[0] === COLON) return null; // a comment
    const colon = bytes.indexOf(COLON);
    const field = this.decoder.decode(colon < 0 ? bytes : bytes.subarray(0, colon));
    let valueStart = colon < 0 ? bytes.length : colon + 1;
    if (bytes[valueStart] === SPACE) valueStart++;
    // a chunk's data is base64, so ASCII: Latin-1 decodes it exactly and faster than UTF-8 (any other
    // byte becomes a character that is not base64, and the chunk is refused)
    const decoder = field === 'data' && this.event === 'chunk' ? LATIN1 : this.decoder;
    const value = decoder.decode(bytes.subarray(valueStart));
    if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    else if (field === 'data') this.data = this.data === null ? value : `${this.data}\n${value}`;
    return null;
  }
}
