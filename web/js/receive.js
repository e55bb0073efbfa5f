// The receiver's side (PROTOCOL.md §4.3-4.9, §5.6, §7): asks for a file with a fresh key and its
// HMAC, checks the sharer's signed offer, then decrypts chunk by chunk into a sink that streams to
// disk. When the stream drops or the sharer goes away, it waits (a bounded grace period) and asks
// again from the first chunk it has not verified, with fresh keys, into the same sink: one download
// that pauses and goes on. The file is complete only after the last chunk decrypted and "end"
// came; then the sharer gets the receipt. On any failure the sink is aborted, so nothing
// half-written is offered as the file.

import { api, ApiError } from './api.js';
import { fromBase64Into, fromBase64Url, randomId, toBase64Url } from './bytes.js';
import { chunkingAddsUp, plainLength, receiverTransferKeys, TAG_LENGTH, TamperingError } from './crypto.js';
import { serverEvents } from './events.js';
import { Progress } from './progress.js';
import { reportTampering, sendReceipt, VerifiedReports } from './reports.js';
import { describe, gaveUp, pauseText, TAMPERED, TransferError } from './download-text.js';
import { openSink } from './save.js';

/** The server sends a heartbeat at least every 10 s; this much silence means the connection is dead. */
const SILENCE_LIMIT_MS = 45000;
/** Chunks decrypting at once: WebCrypto works off the page's thread, so the next chunk is parsed meanwhile. */
const DECRYPTS_IN_FLIGHT = 4;
/** Waits between tries while paused; the file list's "online" cuts a wait short (retryNow). */
const RETRY_MS = [1000, 2000, 3000, 5000];
/** How long a stopped download waits for the sharer (or the server) before it fails; a test may shorten it. */
export const resumeGrace = { ms: 120000 };
/** Failures another request may get past: the connection, the sharer's presence, the server's load. */
const RESUMABLE = new Set(['connection-lost', 'silence', 'sender-gone', 'owner-offline', 'timeout', 'stalled',
  'server-error', 'server-busy', 'shutting-down', 'sharer-busy']);

/** One file coming to this tab: queued → requesting → receiving ⇄ paused → done | failed | cancelled. */
export class Download {
  direction = 'down';
  state = 'queued';
  message = '';
  tampered = false;
  #abort = new AbortController(); // the whole download: a cancel, or the browser not taking the file
  #sink = null;
  #first = null; // the first verified offer's terms: every resumed offer must repeat them
  #verified = 0; // chunks decrypted and handed to the sink: where a resumed request starts
  #writingSince = null; // when the current sink write began waiting for the browser to take the bytes
  #retry = null; // ends the current wait between tries early

  /**
   * member: { sessionId, token }; file: the listed file; plan: from planSave; onChange(download);
   * sinkFor(plan, name, size): where the bytes go, save.js's openSink unless given (a zip's entry).
   */
  constructor({ member, keys, file, plan, maxChunkSize, onChange, sinkFor = openSink }) {
    Object.assign(this, { member, keys, file, plan, maxChunkSize, onChange, sinkFor });
    this.id = randomId();
    this.fileId = file.id;
    this.name = file.name;
    this.progress = new Progress(file.size);
  }

  get active() {
    return ['queued', 'requesting', 'receiving', 'paused'].includes(this.state);
  }

  cancel() {
    if (!this.active) return;
    this.#finish('cancelled', 'You cancelled this download.');
    this.#abort.abort();
  }

  /** While paused: ask again now (the sharer is back online). */
  retryNow() {
    this.#retry?.();
  }

  async run() {
    if (!this.active) return;
    this.#set('requesting', `Asking ${this.file.ownerName || 'the sharer'} for the file…`);
    // an abort (cancel, watchdog) must also free a write that waits on the browser
    this.#abort.signal.addEventListener('abort', () => this.#sink?.abort('stopped'));
    let pausedAt = null;
    let verifiedAtPause = 0;
    let tries = 0;
    try {
      while (true) {
        try {
          await this.#attempt();
          return;
        } catch (e) {
          if (!this.active) return;
          // before the first offer nothing was received: the failure is said at once, as always
          if (!this.#sink || !resumable(e)) throw e;
          if (pausedAt === null || this.#verified > verifiedAtPause) {
            [pausedAt, verifiedAtPause, tries] = [performance.now(), this.#verified, 0];
          }
          // said again only when the cause changes (the sharer, or the server out of reach): it is a live region
          const text = pauseText(e, this.progress.percent, resumeGrace.ms);
          if (this.state !== 'paused' || this.message !== text) this.#set('paused', text);
          if (performance.now() - pausedAt > resumeGrace.ms) throw gaveUp(e, this.progress.percent, resumeGrace.ms);
          await this.#wait(RETRY_MS[Math.min(tries++, RETRY_MS.length - 1)]);
          if (!this.active) return; // cancelled while paused
        }
      }
    } catch (e) {
      const { signal } = this.#abort;
      if (this.active) this.#fail(signal.aborted && signal.reason instanceof TransferError ? signal.reason : e);
    } finally {
      if (this.#sink) {
        this.#sink.abort(this.message || 'failed');
        this.#sink = null;
      }
    }
  }

  /** One request, from the first chunk not yet verified, with its own transfer id and key pair (§4.8). */
  async #attempt() {
    const attempt = new AbortController();
    const stop = () => attempt.abort(this.#abort.signal.reason);
    this.#abort.signal.addEventListener('abort', stop);
    let lastActivity = performance.now();
    const watchdog = setInterval(() => {
      const now = performance.now();
      if (this.#writingSince !== null && now - this.#writingSince > SILENCE_LIMIT_MS) {
        // the network is fine; the browser is not taking the file (a held-back download, say)
        this.#abort.abort(new TransferError('not-saving', 'Your browser stopped taking the file. If it asks whether '
          + 'this site may download several files, allow it, then download again.'));
      } else if (this.#writingSince === null && now - lastActivity > SILENCE_LIMIT_MS) {
        attempt.abort(new TransferError('silence', 'the connection went silent'));
      }
    }, 5000);
    const start = this.#verified;
    const transferId = randomId();
    let accepted = false; // the server took the request: the transfer may be reported on
    let incoming = null;
    let reports = null;
    let events = null;
    try {
      const own = await receiverTransferKeys(); // kept for a few requests (§4.10)
      const hmac = await this.keys.requestMac(transferId, this.fileId, own.publicKey, start);
      const body = { transferId, publicKey: toBase64Url(own.publicKey), hmac: toBase64Url(hmac) };
      if (start > 0) body.start = start;
      const response = await api.startTransfer(this.member.sessionId, this.member.token, this.fileId, body, attempt.signal);
      accepted = true;
      const maxLine = Math.ceil((this.maxChunkSize + TAG_LENGTH) / 3) * 4 + 64;
      events = serverEvents(response, { maxLine, onActivity: () => { lastActivity = performance.now(); } });
      while (true) {
        const event = await nextEvent(events, attempt.signal);
        if (event === null) break;
        if (!this.active) return;
        if (event.event === 'offer') {
          if (incoming) throw new TamperingError('the server sent a second offer');
          incoming = await this.#accept(event.data, own, transferId, start);
          if (!this.#sink) this.#sink = await this.sinkFor(this.plan, incoming.name, incoming.size);
          this.name = incoming.name;
          reports = new VerifiedReports(this.member, transferId, start, () => this.#verified);
          this.#set('receiving', start > 0 ? `Resumed at ${Math.floor(this.progress.percent)}%: going on where it stopped.` : '');
        } else if (event.event === 'chunk') {
          if (!incoming || !this.#sink) throw new TamperingError('a chunk arrived before the offer');
          await this.#chunk(incoming, event);
        } else if (event.event === 'end') {
          if (!incoming || incoming.next !== incoming.chunks) throw new TamperingError('the stream ended before the last chunk');
          await this.#drain(incoming, true);
          await this.#sink.close();
          this.#sink = null;
          reports.stop();
          this.#finish('done', '');
          sendReceipt(this.member, incoming);
          return;
        } else if (event.event === 'error') {
          throw errorEvent(event.data);
        }
      }
      throw new TransferError('connection-lost', 'The connection closed before the file was complete.');
    } catch (e) {
      let failure = e;
      // what already decrypted is verified: keep it, so the next request starts after it (a bad chunk says more)
      if (resumable(e) && this.active) failure = await this.#drain(incoming, false).then(() => e, (d) => d);
      if (failure instanceof TamperingError && accepted) await reportTampering(this.member, transferId, this.#verified);
      throw failure;
    } finally {
      clearInterval(watchdog);
      reports?.stop();
      events?.return().catch(() => {});
      this.#abort.signal.removeEventListener('abort', stop);
    }
  }

  async #accept(data, own, transferId, start) {
    let offer;
    try {
      offer = JSON.parse(data);
    } catch {
      throw new TamperingError('the offer is not JSON');
    }
    const { name, size, chunkSize, chunks } = offer;
    if (typeof name !== 'string' || typeof offer.publicKey !== 'string' || typeof offer.hmac !== 'string') {
      throw new TamperingError('the offer is malformed');
    }
    let senderKey;
    let mac;
    try {
      senderKey = fromBase64Url(offer.publicKey);
      mac = fromBase64Url(offer.hmac);
    } catch {
      throw new TamperingError('the offer’s key or HMAC is not base64url');
    }
    const terms = { senderKey, name, size, chunkSize, chunks, start };
    if (!chunkingAddsUp(size, chunkSize, chunks) || chunkSize > this.maxChunkSize || start >= chunks) {
      throw new TamperingError('the offer’s chunking does not add up');
    }
    await this.keys.verifyOffer(transferId, this.fileId, own.publicKey, terms, mac);
    const first = this.#first;
    if (first && (first.name !== name || first.size !== size || first.chunkSize !== chunkSize)) {
      // what was written belongs to the file as it was offered first: never mix the two (§4.8)
      throw new TransferError('changed', 'The file changed on the sharer’s side during the download, so it cannot go on '
        + 'where it stopped. Download it again.');
    }
    if (!first) {
      this.#first = { name, size, chunkSize };
      this.progress = new Progress(size);
    }
    const { cipher, receipt } = await this.keys.agree(own, senderKey, transferId, true);
    const buffer = new Uint8Array(Math.min(size, chunkSize) + TAG_LENGTH); // ciphertext of one chunk, reused
    return { transferId, offerMac: mac, name, size, chunkSize, chunks, cipher, receipt, buffer, next: start, opening: [] };
  }

  async #chunk(incoming, event) {
    const index = incoming.next;
    if (index >= incoming.chunks) throw new TamperingError('more chunks arrived than the offer promised');
    if (event.id !== String(index)) throw new TamperingError(`chunk ${event.id} arrived where chunk ${index} belongs`);
    let ciphertext;
    try {
      ciphertext = fromBase64Into(event.data, incoming.buffer);
    } catch {
      throw new TamperingError(`chunk ${index} is not valid base64`);
    }
    const expected = plainLength(incoming.size, incoming.chunkSize, index);
    if (ciphertext.length !== expected + TAG_LENGTH) throw new TamperingError(`chunk ${index} has the wrong length`);
    // WebCrypto copies the ciphertext when called, so the buffer is free for the next chunk at once
    const opening = incoming.cipher.open(index, index === incoming.chunks - 1, ciphertext);
    opening.catch(() => {}); // a failure is thrown where it is awaited, in order
    incoming.opening.push({ index, opening });
    incoming.next++;
    if (incoming.opening.length >= DECRYPTS_IN_FLIGHT) await this.#writeNext(incoming);
  }

  /**
   * Writes the chunks still decrypting. Without withLast, the last chunk is only checked: it is
   * written once "end" came, so a stream cut after it resumes with it (start stays below chunks).
   */
  async #drain(incoming, withLast) {
    while (incoming?.opening.length > 0) {
      if (!withLast && incoming.opening[0].index === incoming.chunks - 1) {
        await incoming.opening.shift().opening;
      } else {
        await this.#writeNext(incoming);
      }
    }
  }

  /** Writes the oldest chunk being decrypted once it is plaintext. */
  async #writeNext(incoming) {
    const plain = await incoming.opening.shift().opening;
    const length = plain.length; // read before write: a stream sink hands the buffer over to the service worker
    this.#writingSince = performance.now();
    await this.#sink.write(plain);
    this.#writingSince = null;
    this.#verified++;
    this.progress.add(length);
    this.onChange(this);
  }

  /** Resolves after ms, or at once on retryNow() or an abort. */
  #wait(ms) {
    return new Promise((resolve) => {
      let timer = null;
      const done = () => {
        clearTimeout(timer);
        this.#retry = null;
        this.#abort.signal.removeEventListener('abort', done);
        resolve();
      };
      timer = setTimeout(done, ms);
      this.#retry = done;
      this.#abort.signal.addEventListener('abort', done);
    });
  }

  #fail(e) {
    if (e instanceof TamperingError) {
      this.tampered = true;
      this.#finish('failed', `${TAMPERED}${e.message}. The download was stopped and nothing was saved.`);
    } else if (e instanceof TransferError && e.code === 'silence') {
      this.#finish('failed', 'The connection went silent for 45 s. Check your network and try again.');
    } else {
      this.tampered = e?.code === 'tampered';
      this.#finish('failed', describe(e));
    }
  }

  #set(state, message) {
    this.state = state;
    this.message = message;
    this.onChange(this);
  }

  #finish(state, message) {
    if (!this.active) return;
    this.#set(state, message);
  }
}

/** The next event of the stream, or null at its end; a read that fails is a lost connection, not a local fault. */
async function nextEvent(events, signal) {
  let step;
  try {
    step = await events.next();
  } catch (e) {
    if (signal.aborted) throw signal.reason ?? e;
    throw new TransferError('connection-lost', 'The connection dropped before the file was complete.');
  }
  return step.done ? null : step.value;
}

function resumable(e) {
  if (e instanceof ApiError) return e.unreachable || e.status >= 500 || RESUMABLE.has(e.code);
  return e instanceof TransferError && RESUMABLE.has(e.code);
}

function errorEvent(data) {
  let code = 'error';
  let message = '';
  try {
    ({ code = 'error', message = '' } = JSON.parse(data));
  } catch {
    // keep the generic message
  }
  return new TransferError(code, message);
}
