// The receiver's side (PROTOCOL.md §4.3-4.7, §7): asks for a file with a fresh key and its HMAC,
// checks the sharer's signed offer, then decrypts chunk by chunk into a sink that streams to
// disk. The file is complete only after the last chunk decrypted and "end" came; on any failure
// the sink is aborted, so nothing half-written is offered as the file.

import { api } from './api.js';
import { fromBase64Into, fromBase64Url, randomId, toBase64Url } from './bytes.js';
import { chunkingAddsUp, newTransferKeys, plainLength, TAG_LENGTH, TamperingError } from './crypto.js';
import { serverEvents } from './events.js';
import { Progress } from './progress.js';
import { openSink } from './save.js';

/** The server sends a heartbeat at least every 10 s; this much silence means the connection is dead. */
const SILENCE_LIMIT_MS = 45000;
/** Chunks decrypting at once: WebCrypto works off the page's thread, so the next chunk is parsed meanwhile. */
const DECRYPTS_IN_FLIGHT = 4;

export const TAMPERED = 'The connection was tampered with: ';

/** A transfer that ended without the file; code is the protocol's (owner-offline, cancelled, …). */
class TransferError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** One file coming to this tab: queued → requesting → receiving → done | failed | cancelled. */
export class Download {
  direction = 'down';
  state = 'queued';
  message = '';
  tampered = false;
  #abort = new AbortController();
  #sink = null;
  #writingSince = null; // when the current sink write began waiting for the browser to take the bytes

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
    return this.state === 'queued' || this.state === 'requesting' || this.state === 'receiving';
  }

  cancel() {
    if (!this.active) return;
    this.#finish('cancelled', 'You cancelled this download.');
    this.#abort.abort();
  }

  async run() {
    if (!this.active) return;
    this.#set('requesting', `Asking ${this.file.ownerName || 'the sharer'} for the file…`);
    let lastActivity = performance.now();
    const watchdog = setInterval(() => {
      const now = performance.now();
      if (this.#writingSince !== null && now - this.#writingSince > SILENCE_LIMIT_MS) {
        // the network is fine; the browser is not taking the file (a held-back download, say)
        this.#abort.abort(new TransferError('not-saving', 'Your browser stopped taking the file. If it asks whether '
          + 'this site may download several files, allow it, then download again.'));
      } else if (this.#writingSince === null && now - lastActivity > SILENCE_LIMIT_MS) {
        this.#abort.abort(new TransferError('silence', ''));
      }
    }, 5000);
    // an abort (cancel, watchdog) must also free a write that waits on the browser
    this.#abort.signal.addEventListener('abort', () => this.#sink?.abort('stopped'));
    try {
      const own = await newTransferKeys();
      const hmac = await this.keys.requestMac(this.id, this.fileId, own.publicKey);
      const response = await api.startTransfer(this.member.sessionId, this.member.token, this.fileId,
        { transferId: this.id, publicKey: toBase64Url(own.publicKey), hmac: toBase64Url(hmac) }, this.#abort.signal);
      const maxLine = Math.ceil((this.maxChunkSize + TAG_LENGTH) / 3) * 4 + 64;
      let incoming = null;
      for await (const event of serverEvents(response, { maxLine, onActivity: () => { lastActivity = performance.now(); } })) {
        if (!this.active) return;
        if (event.event === 'offer') {
          if (incoming) throw new TamperingError('the server sent a second offer');
          incoming = await this.#accept(event.data, own);
          this.#sink = await this.sinkFor(this.plan, incoming.name, incoming.size);
          this.name = incoming.name;
          this.#set('receiving', '');
        } else if (event.event === 'chunk') {
          if (!incoming || !this.#sink) throw new TamperingError('a chunk arrived before the offer');
          await this.#chunk(incoming, event);
        } else if (event.event === 'end') {
          if (!incoming || incoming.next !== incoming.chunks) throw new TamperingError('the stream ended before the last chunk');
          while (incoming.opening.length > 0) await this.#writeNext(incoming);
          await this.#sink.close();
          this.#sink = null;
          this.#finish('done', '');
          return;
        } else if (event.event === 'error') {
          throw errorEvent(event.data);
        }
      }
      for (const opening of incoming?.opening ?? []) await opening; // a chunk that failed to decrypt says more
      throw new TransferError('connection-lost', 'The connection closed before the file was complete. Try again.');
    } catch (e) {
      const { signal } = this.#abort;
      if (this.active) this.#fail(signal.aborted && signal.reason instanceof TransferError ? signal.reason : e);
    } finally {
      clearInterval(watchdog);
      if (this.#sink) {
        this.#sink.abort(this.message || 'failed');
        this.#sink = null;
      }
    }
  }

  async #accept(data, own) {
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
    const terms = { senderKey, name, size, chunkSize, chunks };
    if (!chunkingAddsUp(size, chunkSize, chunks) || chunkSize > this.maxChunkSize) {
      throw new TamperingError('the offer’s chunking does not add up');
    }
    await this.keys.verifyOffer(this.id, this.fileId, own.publicKey, terms, mac);
    const cipher = await this.keys.chunkCipher(own, senderKey, this.id, true);
    this.progress = new Progress(size);
    const buffer = new Uint8Array(Math.min(size, chunkSize) + TAG_LENGTH); // ciphertext of one chunk, reused
    return { name, size, chunkSize, chunks, cipher, buffer, next: 0, opening: [] };
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
    incoming.opening.push(opening);
    incoming.next++;
    if (incoming.opening.length >= DECRYPTS_IN_FLIGHT) await this.#writeNext(incoming);
  }

  /** Writes the oldest chunk being decrypted once it is plaintext. */
  async #writeNext(incoming) {
    const plain = await incoming.opening.shift();
    const length = plain.length; // read before write: a stream sink hands the buffer over to the service worker
    this.#writingSince = performance.now();
    await this.#sink.write(plain);
    this.#writingSince = null;
    this.progress.add(length);
    this.onChange(this);
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

/** What a person reads when a download fails, by the protocol's error code. */
function describe(e) {
  switch (e?.code) {
    case 'owner-offline':
      return 'The sharer is offline: their files can be downloaded while their page (or CLI) is open.';
    case 'sender-gone':
      return 'The sharer left or lost the connection during the transfer. Try again when they are back.';
    case 'unavailable':
    case 'file-not-found':
      return 'This file is no longer shared.';
    case 'declined':
      return 'The sharer declined this download.';
    case 'unverified':
      return 'The sharer could not verify this download request. The invite link you opened may be incomplete or '
        + 'mistyped: check it with the sender (everything after “#” counts). If it is exactly right, something '
        + 'altered the connection. Nothing was saved.';
    case 'tampered':
      return `${TAMPERED}the sharer saw the transfer altered on the way and stopped it. Nothing was saved.`;
    case 'cancelled':
      return 'The sharer cancelled this transfer.';
    case 'timeout':
      return 'The sharer did not answer in time. Try again.';
    case 'stalled':
      return 'The transfer stalled and was stopped. Try again.';
    case 'shutting-down':
      return 'The server is restarting. Try again in a moment.';
    case 'unreachable':
      return 'The server cannot be reached. Check your connection and try again.';
    case 'session-ended':
      return 'This session has ended.';
    default:
      return e?.message || 'The download failed.';
  }
}
