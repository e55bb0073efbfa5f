// What a person reads about a download: its failures by the protocol's error code, and its pauses.
import { ApiError } from './api.js';

export const TAMPERED = 'The connection was tampered with: ';

/** A transfer that ended without the file; code is the protocol's (owner-offline, cancelled, …). */
export class TransferError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** A pause the server is the cause of (out of reach, restarting), not the sharer. */
function serverAway(e) {
  return e instanceof ApiError && (e.unreachable || e.status >= 500);
}

/** What a paused download's row says (a live region, so a screen reader says it once). */
export function pauseText(e, percent, graceMs) {
  const giveUp = `it gives up after ${minutes(graceMs)}`;
  return serverAway(e)
    ? `Paused at ${Math.floor(percent)}% — the server cannot be reached. The download goes on where it stopped once it answers (${giveUp}).`
    : `Paused at ${Math.floor(percent)}% — waiting for the sharer to come back. The download then goes on where it stopped (${giveUp}).`;
}

export function gaveUp(e, percent, graceMs) {
  const who = serverAway(e) ? 'The server could not be reached' : 'The sharer did not come back';
  return new TransferError('gave-up', `${who} within ${minutes(graceMs)}, so the download stopped at `
    + `${Math.floor(percent)}% and nothing was saved. Download it again when they are online.`);
}

function minutes(ms) {
  return ms >= 60000 ? `${Math.round(ms / 60000)} minute${ms >= 90000 ? 's' : ''}` : `${Math.round(ms / 1000)} seconds`;
}

/** What a person reads when a download fails, by the protocol's error code. */
export function describe(e) {
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
    case 'resume-unsupported':
      return 'The sharer’s app is an older version that cannot go on with an interrupted download. Download it again.';
    case 'bad-start':
      return 'The sharer cannot go on where this download stopped (the file is shorter now). Download it again.';
    case 'connection-lost':
      return 'The connection dropped before the file was complete.';
    default:
      return e?.message || 'The download failed.';
  }
}
