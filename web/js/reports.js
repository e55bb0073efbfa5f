// The receiver's reports to the sharer (PROTOCOL.md §5.6): how far it verified, its receipt once
// the file is complete (§4.9), or that a check failed. Only the receipt proves anything; the
// progress is for the sharer's display. A report that does not arrive never fails a download.

import { api } from './api.js';
import { toBase64Url } from './bytes.js';

/** Verified progress goes to the sharer at most this often (§5.6: about twice a second). */
const REPORT_MS = 500;

/** Tells the sharer how far this receiver verified (§5.6), twice a second at most and only when it moved. */
export class VerifiedReports {
  #timer;

  constructor(member, transferId, reported, verified) {
    let sending = false;
    this.#timer = setInterval(() => {
      const now = verified();
      if (sending || now === reported) return;
      sending = true;
      reported = now;
      // for display only: a failed report costs the sharer one step of its progress bar
      report(member, transferId, { verified: now }).finally(() => { sending = false; });
    }, REPORT_MS);
  }

  stop() {
    clearInterval(this.#timer);
  }
}

/** Best effort: a report that does not arrive is not an error of the download. */
export function report(member, transferId, body) {
  return api.report(member.sessionId, member.token, transferId, body).catch(() => false);
}

/** How long the tampering report may hold the stream open (it must arrive first, see below). */
const TAMPERING_REPORT_MS = 5000;

/**
 * Tells the sharer that a check failed, before the stream closes: once the receiver has left, the
 * server drops its reports and the sharer hears only "receiver-gone" (§5.6). Resolves within a few
 * seconds whatever happens; the relay may be the one tampering.
 */
export function reportTampering(member, transferId, verified) {
  return Promise.race([
    report(member, transferId, { verified, failed: 'tampered' }),
    new Promise((resolve) => { setTimeout(resolve, TAMPERING_REPORT_MS); }),
  ]);
}

/**
 * The receipt (§4.9): every chunk verified and "end" came. A few tries, since without it the
 * sharer reports the file unconfirmed; the download itself is done either way.
 */
export async function sendReceipt(member, incoming) {
  const receipt = toBase64Url(await incoming.receipt.sign(incoming.offerMac, incoming.chunks));
  for (let tries = 0; tries < 3; tries++) {
    if (await report(member, incoming.transferId, { verified: incoming.chunks, receipt }) !== false) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
