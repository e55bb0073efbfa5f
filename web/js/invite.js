// The invite link {origin}/s/{sessionId}#{joinCode}.{secret} (PROTOCOL.md §3). Everything after
// "#" stays in the browser: only the join code is ever sent, and only to join.

import { fromBase64Url, randomBytes, toBase64Url } from './bytes.js';
import { SECRET_LENGTH } from './crypto.js';

const PATH = /^(.*)\/s\/([A-Za-z0-9_-]{22})\/?$/;
const FRAGMENT = /^([0-9A-Za-z]{4,64})\.([A-Za-z0-9_-]{43})$/;

export class InviteError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InviteError';
  }
}

/** { base, sessionId, joinCode, secret } from a full link; throws InviteError with a reason a person can act on. */
export function parseInvite(link) {
  let url;
  try {
    url = new URL(String(link).trim());
  } catch {
    throw new InviteError('That is not a link. Paste the whole invite link, starting with http.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InviteError('An invite link starts with https:// (or http://).');
  }
  const path = PATH.exec(url.pathname);
  if (!path) throw new InviteError('This link is not an invite: it has no /s/… session in it.');
  const fragment = FRAGMENT.exec(url.hash.replace(/^#/, ''));
  if (!fragment) {
    throw new InviteError('This invite link is incomplete or mistyped: the part after “#” is missing, cut off or has '
      + 'characters that do not belong. Check the link with the sender.');
  }
  const secret = fromBase64Url(fragment[2]);
  if (secret.length !== SECRET_LENGTH) {
    throw new InviteError('This invite link is mistyped: its key (after the “.”) is not one. Check the link with the sender.');
  }
  return { base: url.origin + path[1], sessionId: path[2], joinCode: fragment[1], secret };
}

export function inviteLink(base, sessionId, joinCode, secret) {
  return `${base.replace(/\/+$/, '')}/s/${sessionId}#${joinCode}.${toBase64Url(secret)}`;
}

export function newSecret() {
  return randomBytes(SECRET_LENGTH);
}
