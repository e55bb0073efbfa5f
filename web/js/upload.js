// One file going to one receiver, as the sharer's side sees it (PROTOCOL.md §6.1): the pulls it
// must serve (in order from the request's start, each once), its state, and the receiver's
// verified progress, which is what its row shows.

import { fromBase64Url } from './bytes.js';
import { Progress } from './progress.js';

/**
 * One file going to one receiver: streaming → confirming (every chunk sent; the receipt is due)
 * → done (the receipt verified) | unconfirmed | failed; or, before its end, interrupted (the
 * receiver may resume it with a new request, which then takes over this row) | cancelled.
 */
export class Upload {
  direction = 'up';
  state = 'streaming';
  message = '';
  tampered = false;
  #pulls = [];
  #wake = null;
  #expected; // the index the next pull must name: first the request's start
  #verified; // chunks the receiver reported verified (for display only, §5.6)

  constructor({ id, fileId, file, name, receiverId, cipher, receipt, offerMac, chunkSize, chunks, start }) {
    Object.assign(this, { id, fileId, file, name, receiverId, cipher, receipt, offerMac, chunkSize, chunks, start });
    this.#expected = start;
    this.#verified = start; // the receiver's HMAC-checked request says it holds chunks 0 … start-1
    this.progress = new Progress(file.size, this.#bytesOf(start));
    this.idBytes = fromBase64Url(id);
    this.rowId = id;
  }

  /** Still in this tab's hands: sending, or waiting for the receipt. */
  get active() {
    return this.state === 'streaming' || this.state === 'confirming';
  }

  /**
   * The receiver's verified progress (a relayed `verified`): shown, never counted. A value below an
   * earlier one, or above what this tab was asked to send, is ignored, so the row never runs ahead.
   */
  verified(chunks) {
    if (!Number.isSafeInteger(chunks) || chunks <= this.#verified || chunks > this.#expected) return false;
    this.progress.add(this.#bytesOf(chunks) - this.progress.bytes);
    this.#verified = chunks;
    return true;
  }

  /**
   * Queues a pulled index; false (and nothing queued) unless it is the next one due. Serving an
   * index twice would encrypt it again under the same key and nonce (PROTOCOL.md §6.1).
   */
  pulled(index) {
    if (this.state !== 'streaming' || index !== this.#expected || index >= this.chunks) return false;
    this.#expected++;
    this.#pulls.push(index);
    this.#wakeUp();
    return true;
  }

  get expected() {
    return this.#expected;
  }

  /** The next pulled index, or null once nothing more is to be sent. */
  async nextPull() {
    while (this.state === 'streaming' && this.#pulls.length === 0) await new Promise((resolve) => { this.#wake = resolve; });
    return this.state === 'streaming' ? this.#pulls.shift() : null;
  }

  /** The server wrote the last chunk to the receiver's stream: stop reading, wait for the receipt. */
  sent() {
    if (this.state !== 'streaming') return false;
    this.state = 'confirming';
    this.message = 'Sent — waiting for the receiver to confirm it verified every byte.';
    this.#wakeUp();
    return true;
  }

  end(state, message = '') {
    if (!this.active) return false;
    this.state = state;
    this.message = message;
    this.#wakeUp();
    return true;
  }

  /** The bytes of chunks 0 … n-1. */
  #bytesOf(chunks) {
    return Math.min(this.file.size, chunks * this.chunkSize);
  }

  #wakeUp() {
    const wake = this.#wake;
    this.#wake = null;
    if (wake) wake();
  }
}
