// "Download all" and "Download folder": many files saved as ONE zip (stored, not compressed;
// Zip64 where sizes or counts need it), made by the vendored client-zip while the files arrive
// and written through the same sink as a single file (save.js), so it is never whole in memory.
// Files download a few at a time: small ones may run ahead of their turn into memory (bounded),
// large ones stream straight into the zip when their turn comes.

import { randomId } from './bytes.js';
import { TamperingError } from './crypto.js';
import { Progress } from './progress.js';
import { Download } from './receive.js';
import { openSink, safeFileName } from './save.js';
import { makeZip, predictLength } from './vendor/client-zip.mjs';

/** Files downloading at once (each is a request, keys and an offer: round trips that overlap). */
const AT_ONCE = 4;
/** A file this small may download before its turn, into memory... */
const AHEAD_FILE = 4 * 1024 * 1024;
/** ...as long as the files waiting for their turn hold no more than this. */
const AHEAD_BYTES = 16 * 1024 * 1024;
/** Bytes of the file being zipped that wait for the zip, in the tab. */
const ENTRY_BUFFER = 1024 * 1024;
/** The zip's small pieces (headers, small files) are gathered into writes this large: each write is a message. */
const WRITE_SIZE = 256 * 1024;

/** Several files coming to this tab as one zip: queued → receiving → done | failed | cancelled. */
export class ZipDownload {
  direction = 'down';
  state = 'queued';
  message = '';
  tampered = false;
  #entries = []; // by file index: { download, stream }
  #current = 0; // the file the zip is writing now
  #next = 0; // the first file not started yet
  #aheadBytes = 0; // sizes of the files started before their turn, not yet written
  #downloading = new Set(); // downloads running now (a set, not a scan: a zip may hold 100,000 files)
  #paused = new Set(); // downloads waiting for their sharer (receive.js resumes them into their entry)
  #sink = null;
  #reader = null;

  /**
   * files: the listed files to zip; name: the zip's file name; root: the folder their entry names
   * start below ('' for all: "photos/2024/a.jpg"; "photos" for photos' subfolder: "2024/a.jpg").
   */
  constructor({ member, keys, files, name, root, maxChunkSize, onChange }) {
    Object.assign(this, { member, keys, files, name, maxChunkSize, onChange });
    this.id = randomId();
    this.plan = null;
    this.names = entryNames(files, root);
    // exact, so the browser shows the zip's size; each file's signed offer must match the list (below)
    const predicted = Number(predictLength(files.map((file, i) => ({ name: this.names[i], size: file.size }))));
    // past 65,535 entries withZip64Count adds 76 bytes, unless client-zip wrote Zip64 end records itself
    // (a zip past 4 GiB): then the length is not known for sure and the browser is not told one
    this.size = files.length <= 0xffff ? predicted : predicted < 0xffffffff ? predicted + 76 : null;
    this.progress = new Progress(this.size ?? predicted);
    this.file = { ownerName: [...new Set(files.map((f) => f.ownerName || 'someone'))].join(', ') };
    this.written = 0;
  }

  get active() {
    return this.state === 'queued' || this.state === 'receiving';
  }

  cancel() {
    this.#stop('cancelled', 'You cancelled this download.');
  }

  async run() {
    if (!this.active) return;
    this.#set('receiving', this.#count());
    try {
      this.#sink = await openSink(this.plan, this.name, this.size);
      this.#reader = makeZip(this.#inputs(), { buffersAreUTF8: true }).getReader();
      const writes = new GatheredWrites(this.#sink);
      for await (const piece of withZip64Count(pieces(this.#reader), this.files.length)) {
        const length = piece.length; // read first: the sink may hand the buffer over (detached, length 0)
        await writes.write(piece);
        this.progress.add(length);
        this.onChange(this);
      }
      await writes.flush();
      if (!this.active) return;
      await this.#sink.close();
      this.#sink = null;
      this.#set('done', this.#count());
    } catch (e) {
      this.#stop('failed', e?.message || 'The download failed.');
    } finally {
      if (this.#sink) this.#sink.abort(this.message || 'failed');
      this.#sink = null;
    }
  }

  /** The zip's entries, in order; client-zip reads each one whole before it asks for the next. */
  async* #inputs() {
    for (let i = 0; i < this.files.length; i++) {
      this.#current = i;
      if (i >= this.#next) this.#start(i);
      else this.#aheadBytes -= this.files[i].size; // started ahead: its turn now
      this.#runAhead();
      yield { name: this.names[i], size: this.files[i].size, lastModified: new Date(), input: this.#entries[i].stream.readable };
      this.#entries[i] = null;
      this.written = i + 1;
      this.#set('receiving', this.#count());
    }
  }

  #runAhead() {
    while (this.#next < this.files.length && this.#running() < AT_ONCE && this.active) {
      const size = this.files[this.#next].size;
      if (size > AHEAD_FILE || this.#aheadBytes + size > AHEAD_BYTES) return;
      this.#aheadBytes += size;
      this.#start(this.#next);
    }
  }

  #running() {
    return this.#downloading.size;
  }

  #start(i) {
    const file = this.files[i];
    const stream = new EntryStream(file.size <= AHEAD_FILE ? Math.max(1, file.size) : ENTRY_BUFFER);
    const download = new Download({
      member: this.member, keys: this.keys, file, plan: null, maxChunkSize: this.maxChunkSize,
      sinkFor: async (plan, name, size) => {
        // the zip's names and sizes were taken from the list: the signed offer must say the same
        if (name !== file.name || size !== file.size) {
          throw new TamperingError(`the sharer’s signed offer is for “${name}” (${size} bytes), not the listed file`);
        }
        return stream;
      },
      onChange: (d) => this.#changed(d),
    });
    this.#entries[i] = { download, stream };
    this.#downloading.add(download);
    this.#next = Math.max(this.#next, i + 1);
    download.run();
  }

  #changed(download) {
    if (!download.active) this.#downloading.delete(download);
    if (download.state === 'paused') this.#paused.add(download);
    else this.#paused.delete(download);
    if (download.state === 'failed' || (download.state === 'cancelled' && this.active)) {
      this.tampered = download.tampered;
      this.#stop('failed', `“${download.file.name}”: ${download.message}`);
    } else if (download.state === 'done') {
      this.#runAhead();
    }
    // a file that waits for its sharer says so on the zip's row (a live region): once per change, not per chunk
    const waiting = this.#paused.values().next().value;
    const message = waiting ? `“${waiting.file.name}”: ${waiting.message}` : this.#count();
    if (this.active && message !== this.message) this.#set('receiving', message);
  }

  #count() {
    return `${this.written} of ${this.files.length} files`;
  }

  #stop(state, message) {
    if (!this.active) return;
    this.#set(state, message);
    for (const download of [...this.#downloading]) download.cancel();
    this.#reader?.cancel(message).catch(() => {});
    this.#sink?.abort(message);
    this.#sink = null;
  }

  #set(state, message) {
    this.state = state;
    this.message = message;
    this.onChange(this);
  }
}

async function* pieces(reader) {
  for (let piece = await reader.read(); !piece.done; piece = await reader.read()) yield piece.value;
}

const END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;

/**
 * client-zip 2.5.1 writes Zip64 end records only for a zip past 4 GiB, so a smaller zip of more
 * than 65,535 entries ends with a count of 65,535 and nothing more, which Info-ZIP's unzip
 * reports as an error. This adds the records (APPNOTE 4.3.14, 4.3.15) before the end record,
 * from its own central directory size and offset.
 */
export async function* withZip64Count(zip, entries) {
  let held = null; // the last piece, held back: it may be the end record
  let before = null;
  let offset = 0;
  for await (const piece of zip) {
    if (held) {
      before = held.length === 76 ? new DataView(held.buffer, held.byteOffset, 4).getUint32(0, true) : 0;
      offset += held.length;
      yield held;
    }
    held = piece;
  }
  if (!held) return;
  const end = new DataView(held.buffer, held.byteOffset, held.byteLength);
  if (entries > 0xffff && held.length === 22 && end.getUint32(0, true) === END && before !== ZIP64_END) {
    const records = new DataView(new ArrayBuffer(76));
    records.setUint32(0, ZIP64_END, true);
    records.setBigUint64(4, 44n, true); // the record's size after this field
    records.setUint16(12, 45, true); // made by, and needed: version 4.5 (Zip64)
    records.setUint16(14, 45, true);
    records.setBigUint64(24, BigInt(entries), true); // entries on this disk, and in all
    records.setBigUint64(32, BigInt(entries), true);
    records.setBigUint64(40, BigInt(end.getUint32(12, true)), true); // central directory size
    records.setBigUint64(48, BigInt(end.getUint32(16, true)), true); // and its offset
    records.setUint32(56, ZIP64_LOCATOR, true);
    records.setBigUint64(64, BigInt(offset), true); // where the Zip64 end record starts
    records.setUint32(72, 1, true); // disks in all
    yield new Uint8Array(records.buffer);
  }
  yield held;
}

/**
 * One zip entry's bytes: the file's download writes them, client-zip reads them. A write waits
 * while `limit` bytes wait unread, which holds the download (and, through the server's credits,
 * the sharer) back.
 */
class EntryStream {
  #controller;
  #room = null;
  #ended = null;

  constructor(limit) {
    this.readable = new ReadableStream({
      start: (controller) => { this.#controller = controller; },
      pull: () => this.#wake(),
      cancel: () => this.#end(new Error('the zip stopped reading')),
    }, new ByteLengthQueuingStrategy({ highWaterMark: limit }));
  }

  async write(bytes) {
    if (this.#ended) throw this.#ended;
    this.#controller.enqueue(bytes);
    while (!this.#ended && this.#controller.desiredSize <= 0) await new Promise((resolve) => { this.#room = resolve; });
    if (this.#ended) throw this.#ended;
  }

  async close() {
    this.#controller.close();
    this.#end(new Error('closed'));
  }

  abort(reason) {
    if (this.#ended) return;
    try {
      this.#controller.error(new Error(String(reason)));
    } catch {
      // already closed
    }
    this.#end(new Error(String(reason)));
  }

  #end(error) {
    this.#ended ??= error;
    this.#wake();
  }

  #wake() {
    const room = this.#room;
    this.#room = null;
    room?.();
  }
}

/** Writes to a sink, small pieces gathered into one write (each write is a message to the service worker). */
class GatheredWrites {
  #buffer = new Uint8Array(WRITE_SIZE);
  #used = 0;

  constructor(sink) {
    this.sink = sink;
  }

  async write(bytes) {
    if (bytes.length >= WRITE_SIZE / 2) {
      await this.flush();
      await this.sink.write(bytes); // a chunk of a large file goes on as it is
      return;
    }
    if (this.#used + bytes.length > WRITE_SIZE) await this.flush();
    this.#buffer.set(bytes, this.#used);
    this.#used += bytes.length;
  }

  async flush() {
    if (this.#used === 0) return;
    const piece = this.#buffer.slice(0, this.#used); // a copy: the sink may hand its buffer over
    this.#used = 0;
    await this.sink.write(piece);
  }
}

/**
 * The entries' names: below `root`, each part made safe (as a saved file's name; empty, "." and
 * ".." parts dropped, so no entry can point outside the folder it is unzipped into), and a name
 * taken already (in any letter case) numbered "a (1).jpg", as saved files are.
 */
export function entryNames(files, root) {
  const taken = new Set();
  return files.map((file) => {
    const relative = root && file.name.startsWith(`${root}/`) ? file.name.slice(root.length + 1) : file.name;
    const parts = relative.split('/').filter((p) => p !== '' && p !== '.' && p !== '..').map(safeFileName);
    const base = parts.length > 0 ? parts.join('/') : 'file';
    let name = base;
    for (let n = 1; taken.has(name.toLowerCase()); n++) name = numbered(base, n);
    taken.add(name.toLowerCase());
    return name;
  });
}

function numbered(path, n) {
  const slash = path.lastIndexOf('/');
  const last = path.slice(slash + 1);
  const dot = last.lastIndexOf('.');
  const named = dot > 0 ? `${last.slice(0, dot)} (${n})${last.slice(dot)}` : `${last} (${n})`;
  return path.slice(0, slash + 1) + named;
}
