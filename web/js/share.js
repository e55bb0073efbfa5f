// The sharer's side (PROTOCOL.md §4.3-4.4, §6): keeps this tab's File handles, answers each
// download request whose HMAC verifies with a signed offer, then reads, encrypts and sends
// exactly the chunks the server pulls, one slice at a time. A file is never read whole.

import { fromBase64Url, toBase64Url } from './bytes.js';
import { chunkCount, newTransferKeys, plainLength, TamperingError } from './crypto.js';
import { Progress } from './progress.js';

/**
 * Plaintext bytes per chunk; measured page to page on this server (web/README.md), 256 KiB moved
 * faster than 64 KiB.
 */
export const CHUNK_SIZE = 256 * 1024;
const HEADER_LENGTH = 20;
/** Chunks read and sealed ahead of the one being sent, and chunks per file read. */
const SEALS_AHEAD = 4;
const READ_CHUNKS = 8;

/** One file going to one receiver: requested → streaming → done | failed | cancelled. */
export class Upload {
  direction = 'up';
  state = 'streaming';
  message = '';
  #pulls = [];
  #wake = null;
  #expected = 0; // the index the next pull must name

  constructor({ id, fileId, file, name, receiverId, cipher, chunks }) {
    Object.assign(this, { id, fileId, file, name, receiverId, cipher, chunks });
    this.progress = new Progress(file.size);
    this.idBytes = fromBase64Url(id);
  }

  get active() {
    return this.state === 'streaming';
  }

  /**
   * Queues a pulled index; false (and nothing queued) unless it is the next one due. Serving an
   * index twice would encrypt it again under the same key and nonce (PROTOCOL.md §6.1).
   */
  pulled(index) {
    if (index !== this.#expected || index >= this.chunks) return false;
    this.#expected++;
    this.#pulls.push(index);
    this.#wakeUp();
    return true;
  }

  get expected() {
    return this.#expected;
  }

  /** The next pulled index, or null once the transfer ended. */
  async nextPull() {
    while (this.active && this.#pulls.length === 0) await new Promise((resolve) => { this.#wake = resolve; });
    return this.active ? this.#pulls.shift() : null;
  }

  end(state, message = '') {
    if (!this.active) return false;
    this.state = state;
    this.message = message;
    this.#wakeUp();
    return true;
  }

  #wakeUp() {
    const wake = this.#wake;
    this.#wake = null;
    if (wake) wake();
  }
}

export class Sharing {
  #keys;
  #socket;
  #onChange;
  #onWarning;
  #onNotice;
  files = new Map(); // fileId → { file: File, name: the name as registered (the offer must repeat it exactly) }
  uploads = new Map(); // transferId → Upload

  /** onChange(upload) after each step; onWarning(text) for what the person must know; onNotice(text) for what they may. */
  constructor(keys, socket, { onChange, onWarning, onNotice }) {
    this.#keys = keys;
    this.#socket = socket;
    this.#onChange = onChange;
    this.#onWarning = onWarning;
    this.#onNotice = onNotice;
  }

  add(fileId, file, registeredName) {
    this.files.set(fileId, { file, name: registeredName });
  }

  /** Stops sharing a file; its running uploads are cancelled. */
  remove(fileId) {
    this.files.delete(fileId);
    for (const upload of this.uploads.values()) {
      if (upload.fileId === fileId && upload.active) this.cancel(upload.id, 'You stopped sharing this file.');
    }
  }

  /** Handles a transfer message from the socket; false when it is not one. */
  handle(message) {
    const upload = this.uploads.get(message.transferId);
    switch (message.type) {
      case 'request':
        this.#answer(message).catch((e) => this.#onWarning(`A download request failed: ${e.message}`));
        return true;
      case 'pull':
        if (upload && upload.active && !upload.pulled(message.index)) this.#pulledOutOfTurn(upload, message.index);
        return true;
      case 'done':
        this.#end(upload, 'done');
        return true;
      case 'cancel':
        this.#end(upload, 'failed', describeCancel(message));
        return true;
      case 'error':
        if (!message.transferId) return false;
        this.#end(upload, 'failed', message.message || 'The server refused this transfer.');
        return true;
      default:
        return false;
    }
  }

  cancel(transferId, message = 'You cancelled this transfer.') {
    const upload = this.uploads.get(transferId);
    if (!upload || !upload.active) return;
    try {
      this.#socket.send({ type: 'cancel', transferId });
    } catch {
      // the socket is gone; the server fails the transfer by itself
    }
    this.#end(upload, 'cancelled', message);
  }

  /** A repeated or out-of-order pull: the relay is tampering; stop before anything is read or sealed. */
  #pulledOutOfTurn(upload, index) {
    try {
      this.#socket.send({ type: 'cancel', transferId: upload.id, code: 'tampered' });
    } catch {
      // the socket is gone; the server fails the transfer by itself
    }
    const asked = Number.isSafeInteger(index) ? `chunk ${index}` : 'a chunk without a valid index';
    const text = `The connection was tampered with: the server asked for ${asked} of “${upload.name}” where chunk `
      + `${upload.expected} was due. The transfer was stopped, so no chunk is sent twice.`;
    this.#end(upload, 'failed', text);
    this.#onWarning(text);
  }

  /** The socket closed: the server failed every running upload towards its receiver. */
  disconnected() {
    for (const upload of this.uploads.values()) {
      this.#end(upload, 'failed', 'The connection to the server dropped; the receiver can download again.');
    }
  }

  async #answer(request) {
    const { transferId, fileId } = request;
    const shared = this.files.get(fileId);
    if (!shared) {
      this.#socket.send({ type: 'decline', transferId, code: 'unavailable' });
      return;
    }
    let receiverKey;
    try {
      receiverKey = fromBase64Url(request.publicKey);
      await this.#keys.verifyRequest(transferId, fileId, receiverKey, fromBase64Url(request.hmac));
    } catch (e) {
      this.#socket.send({ type: 'decline', transferId, code: 'tampered' });
      if (e instanceof TamperingError) {
        // a receiver whose link's secret is mistyped or cut sends exactly this; a relay that swapped the key too
        this.#onNotice(`Someone with an incomplete or mistyped invite link tried to download “${shared.name}”. `
          + 'Nothing was sent: their request does not match this session’s key. If their link is right, something '
          + 'altered the connection.');
      } else {
        this.#onWarning(`A download request for “${shared.name}” was refused: its key or HMAC is malformed, `
          + 'so something altered it on the way. Nothing was sent.');
      }
      return;
    }
    const own = await newTransferKeys();
    let cipher;
    try {
      cipher = await this.#keys.chunkCipher(own, receiverKey, transferId, false);
    } catch {
      this.#socket.send({ type: 'decline', transferId, code: 'tampered' });
      this.#onWarning(`A download request for “${shared.name}” was refused: its key is not a valid P-256 point.`);
      return;
    }
    const { file, name } = shared;
    const chunks = chunkCount(file.size, CHUNK_SIZE);
    const terms = { senderKey: own.publicKey, name, size: file.size, chunkSize: CHUNK_SIZE, chunks };
    const hmac = await this.#keys.offerMac(transferId, fileId, receiverKey, terms);
    const upload = new Upload({ id: transferId, fileId, file, name, receiverId: request.receiverId, cipher, chunks });
    this.uploads.set(transferId, upload);
    this.#socket.send({
      type: 'offer', transferId, publicKey: toBase64Url(own.publicKey), hmac: toBase64Url(hmac),
      name, size: file.size, chunkSize: CHUNK_SIZE, chunks,
    });
    this.#onChange(upload);
    this.#send(upload);
  }

  /** Reads, seals and sends each pulled chunk in order; the server's credits bound how many are asked for. */
  async #send(upload) {
    const sealing = new SealedChunks(upload);
    try {
      // pulled() let through only the next index due, so each index is sealed once
      for (let index = await upload.nextPull(); index !== null; index = await upload.nextPull()) {
        const length = plainLength(upload.file.size, CHUNK_SIZE, index);
        const sealed = await sealing.take(index);
        // the whole chunk in one message (one frame): the server's intake costs the same per byte for any
        // frame size, and each message costs the browser a trip to its network service (PROTOCOL.md §6.3)
        const message = new Uint8Array(HEADER_LENGTH + sealed.length);
        message.set(upload.idBytes);
        new DataView(message.buffer).setUint32(16, index);
        message.set(sealed, HEADER_LENGTH);
        if (!upload.active) return;
        await this.#socket.sendBinary(message);
        upload.progress.add(length);
        this.#onChange(upload);
      }
    } catch (e) {
      if (!upload.active) return;
      this.cancel(upload.id, e.name === 'SocketClosedError' ? 'The connection to the server dropped.' : e.message);
      upload.state = 'failed';
      this.#onChange(upload);
    }
  }

  #end(upload, state, message) {
    if (upload && upload.end(state, message)) this.#onChange(upload);
  }
}

/**
 * The chunks after the one being sent, read and sealed ahead (chunks go in order), so that file
 * reads and WebCrypto run while the page sends; the file is read READ_CHUNKS chunks at a time,
 * as each read is a round trip to the browser. Bounded: SEALS_AHEAD chunks and two reads.
 */
class SealedChunks {
  #upload;
  #sealing = new Map(); // index → Promise<Uint8Array> of its ciphertext
  #reads = new Map(); // first index of a read → Promise<Uint8Array> of its plaintext
  #next = 0;

  constructor(upload) {
    this.#upload = upload;
  }

  take(index) {
    const last = Math.min(index + SEALS_AHEAD, this.#upload.chunks - 1);
    for (this.#next = Math.max(this.#next, index); this.#next <= last; this.#next++) {
      const sealed = this.#seal(this.#next);
      sealed.catch(() => {}); // a failure is thrown where it is taken
      this.#sealing.set(this.#next, sealed);
    }
    const sealed = this.#sealing.get(index);
    this.#sealing.delete(index);
    return sealed;
  }

  async #seal(index) {
    const { file, chunks, cipher } = this.#upload;
    const first = index - (index % READ_CHUNKS);
    if (!this.#reads.has(first)) {
      this.#reads.delete(first - READ_CHUNKS);
      const end = Math.min(file.size, (first + READ_CHUNKS) * CHUNK_SIZE);
      const read = readSlice(file, first * CHUNK_SIZE, Math.max(0, end - first * CHUNK_SIZE));
      read.catch(() => {});
      this.#reads.set(first, read);
    }
    const window = await this.#reads.get(first);
    const offset = (index - first) * CHUNK_SIZE;
    const plain = window.subarray(offset, offset + plainLength(file.size, CHUNK_SIZE, index));
    return new Uint8Array(await cipher.seal(index, index === chunks - 1, plain));
  }
}

async function readSlice(file, start, length) {
  let buffer;
  try {
    buffer = await file.slice(start, start + length).arrayBuffer();
  } catch {
    buffer = null;
  }
  if (!buffer || buffer.byteLength !== length) {
    throw new Error(`“${file.name}” cannot be read any more: it was moved, changed or deleted on this device. `
      + 'Remove it and add it again.');
  }
  return new Uint8Array(buffer);
}

function describeCancel(message) {
  switch (message.code) {
    case 'receiver-gone':
      return 'The receiver stopped the download or lost the connection.';
    case 'stalled':
      return 'The transfer stalled and was stopped.';
    case 'shutting-down':
      return 'The server is restarting; the receiver can download again in a moment.';
    default:
      return message.message || 'The transfer was stopped.';
  }
}
