// Where a download's decrypted bytes go, without the tab ever holding the whole file:
//  - "stream": a service worker answers a hidden frame's request with a stream fed chunk by
//    chunk from this tab (Chrome, Edge, Firefox, Safari), so the browser's own download
//    manager writes it to disk at disk speed, with backpressure back to the network;
//  - "picker": the File System Access API (Chromium) when no service worker is available;
//  - "memory": a Blob, only for small files, when neither is available.
// A failed download is aborted, so the browser never presents a partial file as the file.

import { randomId } from './bytes.js';

export const MEMORY_LIMIT = 32 * 1024 * 1024;
const START_TIMEOUT_MS = 15000;
const KEEP_ALIVE_MS = 10000;

let registration = null; // the download service worker's, once registered
let streaming = 0;
let keepAlive = null;

let preparing = null;

/** Registers the download service worker (once); resolves false when the browser cannot have one. */
export function prepareSaving() {
  preparing ??= (async () => {
    if (!('serviceWorker' in navigator) || !window.isSecureContext) return false;
    try {
      await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      registration = await navigator.serviceWorker.ready;
      return worker() !== null;
    } catch {
      return false;
    }
  })();
  return preparing;
}

/** The active worker now: after an update it is a newer one than at registration. */
function worker() {
  return registration?.active ?? null;
}

export class SaveError extends Error {}

/**
 * Decides how to save a file, at click time: the file picker needs the click's user
 * activation, so it is asked for here, before any network round trip.
 */
export async function planSave(name, size) {
  await prepareSaving();
  if (worker()) return { mode: 'stream' };
  if (typeof window.showSaveFilePicker === 'function') {
    const handle = await window.showSaveFilePicker({ suggestedName: savedName(name) });
    return { mode: 'picker', handle };
  }
  if (size <= MEMORY_LIMIT) return { mode: 'memory' };
  throw new SaveError('This browser cannot save large files from a page (service workers are off, as in some '
    + 'private windows). Open the link in a normal Chrome, Edge, Firefox or Safari window, or use the command-line client.');
}

/** A sink with write(bytes) (waits for room), close() (the file is complete) and abort(reason). */
export async function openSink(plan, name, size) {
  switch (plan.mode) {
    case 'stream':
      return StreamSink.open(savedName(name), size);
    case 'picker':
      return new WritableSink(await plan.handle.createWritable());
    default:
      return new MemorySink(savedName(name));
  }
}

class StreamSink {
  #port;
  #frame = null;
  #alive = null;
  #credits = 0;
  #waiting = null;
  #failed = null;

  constructor(port) {
    this.#port = port;
  }

  static async open(name, size) {
    const channel = new MessageChannel();
    const sink = new StreamSink(channel.port1);
    const id = randomId();
    const started = sink.#expect('started');
    channel.port1.onmessage = (e) => sink.#onMessage(e.data);
    const registered = sink.#expect('registered');
    worker().postMessage({ type: 'download', id, name, size }, [channel.port2]);
    await withTimeout(registered, 'The download helper (service worker) did not answer. Reload the page and try again.');
    sink.#frame = document.createElement('iframe');
    sink.#frame.hidden = true;
    sink.#frame.title = 'download';
    sink.#frame.src = `/dl/${id}/${encodeURIComponent(name)}`;
    document.body.append(sink.#frame);
    await withTimeout(started, 'The browser did not start the download. Allow downloads for this site and try again.');
    // tells the worker this page still feeds the download; when the tab closes, the worker fails it
    sink.#alive = setInterval(() => sink.#port.postMessage({ type: 'alive' }), KEEP_ALIVE_MS);
    if (streaming++ === 0) keepAlive = setInterval(() => worker()?.postMessage({ type: 'keep-alive' }), KEEP_ALIVE_MS);
    return sink;
  }

  async write(bytes) {
    while (this.#credits === 0 && !this.#failed) await new Promise((resolve) => { this.#waiting = resolve; });
    if (this.#failed) throw this.#failed;
    this.#credits--;
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
    this.#port.postMessage({ type: 'data', bytes: buffer }, [buffer]);
  }

  async close() {
    if (this.#failed) throw this.#failed;
    this.#port.postMessage({ type: 'end' });
    this.#finish(new SaveError('the download is complete'));
  }

  /** Idempotent; frees a write that waits for room. */
  abort(reason) {
    if (this.#failed) return;
    this.#port.postMessage({ type: 'abort', reason: String(reason) });
    this.#finish(new SaveError('the download was stopped'));
  }

  #finish(state) {
    this.#failed = state;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
    clearInterval(this.#alive);
    if (--streaming === 0) clearInterval(keepAlive);
    // leave the frame a moment: removing it at once could cancel the download in some browsers
    const frame = this.#frame;
    setTimeout(() => frame?.remove(), 30000);
  }

  #handlers = new Map();

  #expect(type) {
    return new Promise((resolve) => this.#handlers.set(type, resolve));
  }

  #onMessage(message) {
    if (message.type === 'pull') this.#credits++;
    if (message.type === 'cancelled' && !this.#failed) {
      this.#finish(new SaveError('The download was cancelled in the browser.'));
    }
    this.#handlers.get(message.type)?.();
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }
}

class WritableSink {
  constructor(writable) {
    this.writable = writable;
  }

  write(bytes) {
    return this.writable.write(bytes);
  }

  close() {
    return this.writable.close(); // only now does the file appear under its name
  }

  abort(reason) {
    this.writable.abort(String(reason)).catch(() => {});
  }
}

class MemorySink {
  #parts = [];

  constructor(name) {
    this.name = name;
  }

  async write(bytes) {
    this.#parts.push(bytes);
  }

  async close() {
    const url = URL.createObjectURL(new Blob(this.#parts, { type: 'application/octet-stream' }));
    this.#parts = [];
    const link = document.createElement('a');
    link.href = url;
    link.download = this.name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  abort() {
    this.#parts = [];
  }
}

function withTimeout(promise, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new SaveError(message)), START_TIMEOUT_MS); }),
  ]);
}

/** A single file is saved under its own name: the last part of its path ("photos/a.jpg" → "a.jpg"), made safe. */
function savedName(path) {
  return safeFileName(String(path).split('/').filter((part) => part !== '' && part !== '.' && part !== '..').pop() ?? '');
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * A name chosen by another member, made safe to save on any system (as jdk-client's
 * SafeFileName): no path, separators, control or direction characters, no leading dots,
 * no names Windows reserves, at most 255 bytes of UTF-8.
 */
export function safeFileName(name) {
  let safe = Array.from(String(name), (ch) => {
    const c = ch.codePointAt(0);
    const unsafe = c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || '/\\:*?"<>|'.includes(ch)
      || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f
      || (c >= 0xd800 && c <= 0xdfff);
    return unsafe ? '_' : ch;
  }).join('').trim();
  safe = safe.replace(/[. ]+$/, '').replace(/^\.+/, '');
  if (!safe) safe = 'download';
  if (WINDOWS_RESERVED.test(safe.split('.')[0])) safe = `_${safe}`;
  const encoder = new TextEncoder();
  if (encoder.encode(safe).length <= 255) return safe;
  const dot = safe.lastIndexOf('.');
  const extension = dot > 0 && safe.length - dot <= 16 ? safe.slice(dot) : '';
  let stem = extension ? safe.slice(0, dot) : safe;
  const chars = Array.from(stem);
  while (encoder.encode(chars.join('') + extension).length > 255) chars.pop();
  stem = chars.join('');
  return stem + extension;
}
