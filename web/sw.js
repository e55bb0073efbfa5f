// The download helper. A page hands it a MessagePort per download; a hidden frame then asks for
// /dl/{id}/{name}, and the answer is a stream this worker fills from the port, one decrypted
// chunk per "pull". The browser's download manager reads it at disk speed, so neither the page
// nor this worker ever holds more than a chunk or two of the file.

const UNCLAIMED_MS = 60000;
/** The page says "alive" every 10 s; this much silence means it was closed, so the download fails instead of hanging. */
const PAGE_SILENCE_MS = 30000;
/** Decrypted chunks this worker holds for the download manager: the page decrypts ahead while it writes. */
const QUEUED_CHUNKS = 4;
const downloads = new Map(); // id → { name, size, stream, port }

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const message = event.data;
  if (message && message.type === 'download' && event.ports[0]) register(message, event.ports[0]);
  // "keep-alive" needs no answer: receiving a message keeps this worker from being stopped mid-download
});

function register({ id, name, size }, port) {
  let controller;
  let waiting = null;
  let lastHeard = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - lastHeard < PAGE_SILENCE_MS) return;
    clearInterval(watchdog);
    try {
      controller.error(new Error('the page that was saving this file was closed'));
    } catch {
      // already closed or errored
    }
    port.close();
  }, 5000);
  const wake = () => {
    const resolve = waiting;
    waiting = null;
    if (resolve) resolve();
  };
  const stream = new ReadableStream({
    start(c) {
      controller = c;
    },
    pull() {
      port.postMessage({ type: 'pull' });
      return new Promise((resolve) => { waiting = resolve; });
    },
    cancel() {
      clearInterval(watchdog);
      port.postMessage({ type: 'cancelled' });
      port.close();
      wake();
    },
  }, new CountQueuingStrategy({ highWaterMark: QUEUED_CHUNKS }));
  port.onmessage = (event) => {
    const message = event.data;
    lastHeard = Date.now();
    try {
      if (message.type === 'data') {
        controller.enqueue(new Uint8Array(message.bytes));
      } else if (message.type === 'end') {
        clearInterval(watchdog);
        controller.close();
        port.close();
      } else if (message.type === 'abort') {
        // errors the response: the browser marks the download failed and keeps no file under its name
        clearInterval(watchdog);
        controller.error(new Error(message.reason || 'aborted'));
        port.close();
      }
    } catch {
      // the stream was cancelled meanwhile; the page heard "cancelled"
    }
    wake();
  };
  downloads.set(id, { name, size, stream, port });
  setTimeout(() => downloads.delete(id), UNCLAIMED_MS);
  port.postMessage({ type: 'registered' });
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/dl/')) return;
  const id = url.pathname.split('/')[2];
  const download = downloads.get(id);
  if (!download) {
    event.respondWith(new Response('This download has expired. Start it again from the page.',
      { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }));
    return;
  }
  downloads.delete(id); // one use
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': contentDisposition(download.name),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
  // a zip whose length cannot be known ahead has none: the browser then shows no total
  if (Number.isSafeInteger(download.size)) headers['Content-Length'] = String(download.size);
  event.respondWith(new Response(download.stream, { headers }));
  download.port.postMessage({ type: 'started' });
});

/** RFC 6266 with an ASCII fallback and the exact UTF-8 name (RFC 5987). */
function contentDisposition(name) {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
