// Reads a text/event-stream (PROTOCOL.md §7) from a fetch Response. EventSource cannot POST or
// send an Authorization header, so the download stream is parsed here, with a bound on line
// length so a misbehaving server cannot make the tab buffer without end.

/** Yields { event, id, data } for each dispatched event; comments (heartbeats) only call onActivity. */
export async function* serverEvents(response, { maxLine, onActivity = () => {} }) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = []; // pieces of the current, unfinished line
  let pendingLength = 0;
  let skipLf = false;
  let event = null;
  let id = null;
  let data = null;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return; // a half line at the end is dropped, as the format says
      onActivity();
      let start = 0;
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        if (skipLf && c === 10 && i === start && pendingLength === 0) {
          skipLf = false;
          start = i + 1;
          continue;
        }
        skipLf = c === 13;
        let line = value.slice(start, i);
        if (pendingLength > 0) {
          pending.push(line);
          line = pending.join('');
          pending = [];
          pendingLength = 0;
        }
        start = i + 1;
        if (line.length === 0) {
          if (data !== null) yield { event: event ?? 'message', id, data };
          event = null;
          data = null;
          continue;
        }
        if (line.charCodeAt(0) === 58) continue; // ":" comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let fieldValue = colon < 0 ? '' : line.slice(colon + 1);
        if (fieldValue.charCodeAt(0) === 32) fieldValue = fieldValue.slice(1);
        if (field === 'event') event = fieldValue;
        else if (field === 'id') id = fieldValue;
        else if (field === 'data') data = data === null ? fieldValue : `${data}\n${fieldValue}`;
      }
      if (start < value.length) {
        skipLf = false;
        pending.push(value.slice(start));
        pendingLength += value.length - start;
        if (pendingLength > maxLine) throw new Error(`the server sent a line longer than ${maxLine} characters`);
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
