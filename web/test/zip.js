// Run inside Chromium by PageZipTest: the page's zip code (zip-download.js over the vendored
// client-zip) on files made here. Returns the zips as base64 and the entry names, plain JSON.
async (entries) => {
  const { entryNames, withZip64Count } = await import('/js/zip-download.js');
  const { makeZip, predictLength } = await import('/js/vendor/client-zip.mjs');
  const zip = async (files) => {
    const reader = makeZip((function* () {
      for (const f of files) yield { name: f.name, size: f.size, lastModified: new Date(0), input: new TextEncoder().encode(f.text) };
    }()), { buffersAreUTF8: true }).getReader();
    const pieces = [];
    for await (const piece of withZip64Count((async function* () {
      for (let p = await reader.read(); !p.done; p = await reader.read()) yield p.value;
    }()), files.length)) pieces.push(piece);
    const bytes = new Uint8Array(await new Blob(pieces).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { base64: btoa(binary), predicted: Number(predictLength(files.map(({ name, size }) => ({ name, size })))) };
  };
  const many = Array.from({ length: entries }, (_, i) => ({ name: `many/${i}.txt`, size: String(i).length, text: String(i) }));
  const names = entryNames([
    { name: '../../etc/passwd' }, { name: 'a/../b.txt' }, { name: '/abs/c.txt' }, { name: 'A.txt' }, { name: 'a.txt' },
    { name: 'a.txt' }, { name: 'x/CON.txt' }, { name: 'Trip/photos/d.jpg' }, { name: 'Other/e.jpg' }, { name: 'Trip\\..\\f' },
  ], 'Trip');
  return { many: await zip(many), few: await zip(many.slice(0, 3)), names };
}
