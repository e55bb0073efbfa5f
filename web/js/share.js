// The sharer's side (PROTOCOL.md §4.3-4.4, §4.8-4.9, §6): keeps this tab's File handles, answers
// each download request whose HMAC verifies with a signed offer, then reads, encrypts and sends
// exactly the chunks the server pulls, from the request's start on, one slice at a time. A file
// is never read whole. A row shows what the receiver verified, and "Done" only on its receipt.

import { fromBase64Url, toBase64Url } from './bytes.js';
import { chunkCount, newTransferKeys, plainLength, TamperingError } from './crypto.js';
import { TAMPERED } from './download-text.js';
import { Upload } from './upload.js';

/**
 * Plaintext bytes per chunk; measured page to page on this server (web/README.md), 256 KiB moved
 * faster than 64 KiB.
 */
export const CHUNK_SIZE = 256 * 1024;
const HEADER_LENGTH = 20;
/** Chunks read and sealed ahead of the one being sent, and chunks per file read. */
const SEALS_AHEAD = 4;
const READ_CHUNKS = 8;
/** After "done", the server sends receipt, unconfirmed or cancel within RECEIPT_TIMEOUT (at most 90 s; §6.1). */
const RECEIPT_WAIT_MS = 120000;

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
      // one whose chunks were all sent keeps waiting for its receipt
      if (upload.fileId === fileId && upload.state === 'streaming') this.cancel(upload.id, 'You stopped sharing this file.');
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
      case 'verified':
        if (upload && upload.active && upload.verified(message.chunks)) this.#onChange(upload);
        return true;
      case 'done':
        this.#sent(upload);
        return true;
      case 'receipt':
        if (upload && upload.active) this.#checkReceipt(upload, message.receipt);
        return true;
      case 'unconfirmed':
        this.#end(upload, 'unconfirmed', 'Sent, but not confirmed: the receiver did not confirm that it verified the '
          + 'file (it stopped, failed or runs an older version), so it may not have arrived whole.');
        return true;
      case 'cancel':
        this.#cancelled(upload, message);
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
    upload.tampered = true;
    this.#end(upload, 'failed', text);
    this.#onWarning(text);
  }

  /** The socket closed: the server failed every running upload towards its receiver. */
  disconnected() {
    for (const upload of this.uploads.values()) {
      if (upload.state === 'confirming') {
        this.#end(upload, 'unconfirmed', 'Sent, but not confirmed: the connection to the server dropped before the '
          + 'receiver’s confirmation came.');
      } else {
        this.#end(upload, 'interrupted', 'The connection to the server dropped. The receiver waits a while for this '
          + 'page to reconnect, then continues where it stopped.');
      }
    }
  }

  /** The last chunk reached the receiver's stream; the receipt is due within RECEIPT_WAIT_MS. */
  #sent(upload) {
    if (!upload || !upload.sent()) return;
    this.#onChange(upload);
    setTimeout(() => this.#end(upload, 'unconfirmed', 'Sent, but not confirmed: no confirmation came from the receiver '
      + `within ${RECEIPT_WAIT_MS / 60000} minutes.`), RECEIPT_WAIT_MS);
  }

  /** Delivered only if the receipt is the receiver's HMAC over this transfer's offer (PROTOCOL.md §4.9). */
  async #checkReceipt(upload, encoded) {
    let receipt = new Uint8Array(0);
    try {
      receipt = fromBase64Url(String(encoded));
    } catch {
      // not base64url: it cannot verify
    }
    const delivered = await upload.receipt.verify(upload.offerMac, upload.chunks, receipt);
    if (delivered) {
      upload.verified(upload.chunks);
      this.#end(upload, 'done', 'Done — delivered: the receiver verified every byte.');
      return;
    }
    upload.tampered = true;
    const text = `${TAMPERED}the receipt for “${upload.name}” does not verify, so the receiver’s confirmation was forged `
      + 'or altered on the way. The file is not known to be delivered.';
    if (this.#end(upload, 'failed', text)) this.#onWarning(text);
  }

  /**
   * The server stopped the transfer. Before the last chunk the receiver may resume it (a new request
   * takes over this row); after it, nothing confirms delivery; "tampered" means the receiver (or this
   * tab's pull check) found the transfer altered.
   */
  #cancelled(upload, message) {
    if (!upload || !upload.active) return;
    if (message.code === 'tampered') {
      upload.tampered = true;
      const text = `${TAMPERED}the receiver found “${upload.name}” altered on the way and stopped, so it was not delivered.`;
      if (this.#end(upload, 'failed', text)) this.#onWarning(text);
    } else if (upload.state === 'confirming') {
      this.#end(upload, 'unconfirmed', `Sent, but not confirmed: ${describeCancel(message)}`);
    } else {
      this.#end(upload, 'interrupted', describeCancel(message));
    }
  }

  async #answer(request) {
    const { transferId, fileId } = request;
    const shared = this.files.get(fileId);
    if (!shared) {
      this.#socket.send({ type: 'decline', transferId, code: 'unavailable' });
      return;
    }
    const start = request.start ?? 0; // the first chunk a resumed download wants (§4.8); absent: the whole file
    if (!Number.isSafeInteger(start) || start < 0) {
      this.#socket.send({ type: 'decline', transferId, code: 'tampered' });
      this.#onWarning(`A download request for “${shared.name}” was refused: its start is not a chunk number, so `
        + 'something altered it on the way. Nothing was sent.');
      return;
    }
    let receiverKey;
    try {
      receiverKey = fromBase64Url(request.publicKey);
      await this.#keys.verifyRequest(transferId, fileId, receiverKey, fromBase64Url(request.hmac), start);
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
    const { file, name } = shared;
    const chunks = chunkCount(file.size, CHUNK_SIZE);
    if (start >= chunks) {
      this.#socket.send({ type: 'decline', transferId, code: 'bad-start' }); // the receiver starts over
      return;
    }
    const own = await newTransferKeys();
    let agreed;
    try {
      agreed = await this.#keys.agree(own, receiverKey, transferId, false);
    } catch {
      this.#socket.send({ type: 'decline', transferId, code: 'tampered' });
      this.#onWarning(`A download request for “${shared.name}” was refused: its key is not a valid P-256 point.`);
      return;
    }
    const terms = { senderKey: own.publicKey, name, size: file.size, chunkSize: CHUNK_SIZE, chunks, start };
    const hmac = await this.#keys.offerMac(transferId, fileId, receiverKey, terms);
    const upload = new Upload({
      id: transferId, fileId, file, name, receiverId: request.receiverId, cipher: agreed.cipher,
      receipt: agreed.receipt, offerMac: hmac, chunkSize: CHUNK_SIZE, chunks, start,
    });
    if (start > 0) this.#takeOverRow(upload);
    this.uploads.set(transferId, upload);
    this.#socket.send({
      type: 'offer', transferId, publicKey: toBase64Url(own.publicKey), hmac: toBase64Url(hmac),
      name, size: file.size, chunkSize: CHUNK_SIZE, chunks,
    });
    this.#onChange(upload);
    this.#send(upload);
  }

  /**
   * A resumed download (start > 0) continues in the row of the same receiver's interrupted upload of
   * this file, so the sharer sees one transfer going on, not a failure and a new one.
   */
  #takeOverRow(upload) {
    const interrupted = [...this.uploads.values()].filter((u) => u.state === 'interrupted'
      && u.fileId === upload.fileId && u.receiverId === upload.receiverId).pop();
    if (!interrupted) return;
    this.uploads.delete(interrupted.id);
    upload.rowId = interrupted.rowId;
    upload.progress.startedAt = interrupted.progress.startedAt;
    upload.message = `The receiver resumed at ${Math.floor(upload.progress.percent)}%: it continues where it stopped.`;
  }

  /** Reads, seals and sends each pulled chunk in order; the server's credits bound how many are asked for. */
  async #send(upload) {
    const sealing = new SealedChunks(upload);
    try {
      // pulled() let through only the next index due, so each index is sealed once
      for (let index = await upload.nextPull(); index !== null; index = await upload.nextPull()) {
        const sealed = await sealing.take(index);
        // the whole chunk in one message (one frame): the server's intake costs the same per byte for any
        // frame size, and each message costs the browser a trip to its network service (PROTOCOL.md §6.3)
        const message = new Uint8Array(HEADER_LENGTH + sealed.length);
        message.set(upload.idBytes);
        new DataView(message.buffer).setUint32(16, index);
        message.set(sealed, HEADER_LENGTH);
        if (upload.state !== 'streaming') return;
        await this.#socket.sendBinary(message);
      }
    } catch (e) {
      if (upload.state !== 'streaming') return;
      this.cancel(upload.id, e.name === 'SocketClosedError' ? 'The connection to the server dropped.' : e.message);
      upload.state = 'failed';
      this.#onChange(upload);
    }
  }

  #end(upload, state, message) {
    if (!upload || !upload.end(state, message)) return false;
    this.#onChange(upload);
    return true;
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
      return 'The receiver stopped the download or lost the connection. If it resumes, the transfer continues here.';
    case 'stalled':
      return 'The transfer stalled and was stopped. If the receiver resumes, it continues here.';
    case 'shutting-down':
      return 'The server is restarting; the receiver can resume in a moment.';
    default:
      return message.message || 'The transfer was stopped.';
  }
}
