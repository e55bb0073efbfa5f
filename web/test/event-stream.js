// Run inside Chromium by PageEventStreamTest: parses one event stream with the page's own
// events.js, whole, cut into two reads at every position, and one byte per read. Returns plain JSON.
async (maxLine) => {
  const { serverEvents } = await import('/js/events.js');
  const { fromBase64Into } = await import('/js/bytes.js');
  const encode = (text) => new TextEncoder().encode(text);
  const parse = async (pieces) => {
    const stream = new ReadableStream({
      start(controller) {
        for (const piece of pieces) controller.enqueue(piece);
        controller.close();
      },
    });
    const events = [];
    for await (const event of serverEvents(new Response(stream), { maxLine })) events.push(event);
    return events;
  };
  const bytes = encode(': heartbeat\r\n'
    + 'event: offer\r\nid: 0\r\ndata: {"name":"résumé ✓.pdf"}\r\n\r\n'
    + 'event: chunk\nid: 1\ndata: QUJD\n\n'
    + 'event: chunk\rid: 2\rdata: REVG\r\r'
    + 'data: line one\ndata:line two\n\n'
    + 'id: 7\n:comment\nevent: end\ndata\n\n'
    + 'data: half a line');
  const whole = await parse([bytes]);
  const expected = JSON.stringify(whole);
  const differing = [];
  for (let cut = 1; cut < bytes.length; cut++) {
    const events = JSON.stringify(await parse([bytes.slice(0, cut), bytes.slice(cut)]));
    if (events !== expected) differing.push(`cut at ${cut}: ${events}`);
  }
  const byteByByte = JSON.stringify(await parse(Array.from(bytes, (b) => Uint8Array.of(b))));
  let tooLong;
  try {
    await parse([encode(`data: ${'A'.repeat(maxLine)}`), encode('AAAA\n\n')]);
    tooLong = 'accepted';
  } catch (e) {
    tooLong = e.message;
  }
  // a chunk's data is decoded as Latin-1: a byte that is not ASCII must still fail as base64
  const [odd] = await parse([Uint8Array.of(...encode('event: chunk\nid: 0\ndata: QU'), 0xc3, 0xa9, ...encode('JD\n\n'))]);
  let nonAscii;
  try {
    fromBase64Into(odd.data, new Uint8Array(16));
    nonAscii = 'decoded';
  } catch {
    nonAscii = 'refused';
  }
  return { whole, differing, byteByByteSame: byteByByte === expected, tooLong, nonAscii };
}
