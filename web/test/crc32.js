// Run inside Chromium by PageZipTest: the page's CRC-32 (js/crc32.js, which the vendored client-zip
// uses for every entry) on known vectors and on pseudo-random bytes the test makes the same way
// (xorshift32 from a seed), whole and in pieces at odd offsets; the CRC client-zip writes for an
// entry; and, for the record, its speed beside the table-per-byte loop it replaced. Plain JSON.
async ({ size, seed }) => {
  const { crc32 } = await import('/js/crc32.js');
  const { makeZip } = await import('/js/vendor/client-zip.mjs');
  const hex = (crc) => crc.toString(16).padStart(8, '0');
  const text = (s) => hex(crc32(new TextEncoder().encode(s)));

  const data = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  // in pieces of growing, odd lengths (1, 4, 13, 40, …) at offsets off a word boundary, each continuing the last
  let pieces = 0;
  for (let at = 0, step = 1; at < size; at += step, step = step * 3 + 1) pieces = crc32(data.subarray(at, at + step), pieces);
  // every short piece (0 to 99 bytes) from an unaligned offset, against the same bytes one at a time
  const short = [];
  for (let length = 0; length < 100; length++) {
    const piece = data.subarray(3, 3 + length);
    let byByte = 0;
    for (let i = 0; i < length; i++) byByte = crc32(piece.subarray(i, i + 1), byByte);
    if (crc32(piece) !== byByte) short.push(length);
  }

  // the CRC client-zip writes in the entry's data descriptor (signature 0x08074b50, CRC at +4)
  const input = new ReadableStream({
    start(c) {
      for (let at = 0; at < size; at += 65537) c.enqueue(data.slice(at, at + 65537));
      c.close();
    },
  });
  let entry = null;
  const reader = makeZip([{ name: 'data.bin', size, lastModified: new Date(0), input }]).getReader();
  for (let p = await reader.read(); !p.done; p = await reader.read()) {
    const v = new DataView(p.value.buffer, p.value.byteOffset, p.value.byteLength);
    if ((p.value.length === 16 || p.value.length === 24) && v.getUint32(0, true) === 0x08074b50) entry = hex(v.getUint32(4, true));
  }

  const table = new Uint32Array(256); // client-zip 2.5.1's own loop, only to time it
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[b] = c;
  }
  const sarwate = (bytes, crc) => {
    let c = ~crc;
    for (let i = 0; i < bytes.length; i++) c = (c >>> 8) ^ table[(c ^ bytes[i]) & 0xff];
    return ~c >>> 0;
  };
  const mibPerSecond = (f) => {
    let best = 0;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      let crc = 0;
      for (let at = 0; at < size; at += 256 * 1024) crc = f(data.subarray(at, at + 256 * 1024), crc);
      best = Math.max(best, size / 1048576 / ((performance.now() - started) / 1000));
    }
    return Math.round(best);
  };

  return {
    vectors: [text(''), text('a'), text('123456789'), text('The quick brown fox jumps over the lazy dog')],
    whole: hex(crc32(data)),
    pieces: hex(pieces),
    short,
    entry,
    speed: { crc32: mibPerSecond(crc32), byteTable: mibPerSecond(sarwate) },
  };
}
