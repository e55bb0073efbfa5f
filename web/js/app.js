// Starts the page: shows the start screen or opens the invite in the address bar, and wires the
// controls (file and folder pickers, drag and drop anywhere, copy, host tools) to the open Room.

import { api } from './api.js';
import { SessionKeys } from './crypto.js';
import { fromDrop, fromInput } from './folders.js';
import { InviteError, newSecret, parseInvite } from './invite.js';
import { Room, tokenStore } from './room.js';
import { prepareSaving } from './save.js';
import { $, notify, showBusy, showProblem, showView } from './ui.js';

let room = null;
const saving = prepareSaving();

function start() {
  if (!window.isSecureContext || !crypto.subtle) {
    // browsers give WebCrypto (and service workers) only to https pages and localhost
    showProblem('This page needs a secure (https) address',
      'Browsers allow the encryption that protects your files only on https pages. Ask whoever runs this '
      + 'server to serve it over https, or use the command-line client.');
    $('problem-home').hidden = true;
    return;
  }
  wireControls();
  // a new invite pasted over the old one changes only the fragment, which reloads nothing by itself
  window.addEventListener('hashchange', () => {
    if (location.pathname.startsWith('/s/')) location.reload();
  });
  if (location.pathname.startsWith('/s/')) {
    openInvite(location.href);
  } else {
    showView('start-view');
  }
}

/** The first files (or the "empty session" button) create a session with a fresh secret. */
async function createSession(files) {
  showBusy('Creating a session…');
  try {
    const created = await api.createSession();
    const invite = { base: location.origin, sessionId: created.sessionId, joinCode: created.joinCode, secret: newSecret() };
    const keys = await SessionKeys.derive(invite.sessionId, invite.secret);
    room = new Room(invite, { memberId: created.memberId, role: created.role, token: created.token }, keys, createSession);
    // the address bar becomes the invite, so a reload reopens the session (the fragment is never sent)
    history.replaceState(null, '', room.link);
    await room.enter(false);
    if (files.length > 0) await room.addFiles(files);
  } catch (e) {
    room = null;
    showProblem('No session could be created', e.message, () => createSession(files));
  }
}

async function openInvite(link) {
  let invite;
  try {
    invite = parseInvite(link);
  } catch (e) {
    if (!(e instanceof InviteError)) throw e;
    if (location.pathname.startsWith('/s/')) showProblem('This invite link does not work', e.message);
    else $('join-error').textContent = e.message;
    return;
  }
  if (new URL(invite.base).origin !== location.origin) {
    location.assign(link); // an invite to another server: open it there
    return;
  }
  history.replaceState(null, '', link.trim());
  showBusy('Joining…');
  try {
    const keys = await SessionKeys.derive(invite.sessionId, invite.secret);
    const { member, resumed } = await membership(invite);
    room = new Room(invite, member, keys, createSession);
    await room.enter(resumed);
  } catch (e) {
    room = null;
    explainJoinFailure(e, () => openInvite(link));
  }
}

/** This tab's earlier membership if its token still works (after a reload), else a new one. */
async function membership(invite) {
  const token = tokenStore.get(invite.sessionId);
  if (token) {
    try {
      const session = await api.session(invite.sessionId, token);
      return { member: { memberId: session.you.id, role: session.you.role, token }, resumed: true };
    } catch (e) {
      if (e.unreachable) throw e;
      tokenStore.forget(invite.sessionId);
    }
  }
  const joined = await api.join(invite.sessionId, invite.joinCode);
  return { member: { memberId: joined.memberId, role: joined.role, token: joined.token }, resumed: false };
}

function explainJoinFailure(e, retry) {
  switch (e.code) {
    case 'invalid-invite':
      return showProblem('The join code in this link is wrong',
        'The link may be mistyped or cut short: check it with the sender. If the host made a new link, the old one '
        + 'stops letting people in: ask for the current one.');
    case 'session-not-found':
      return showProblem('There is no such session',
        'It expired (a session ends a while after everyone has left), or the link is mistyped. Ask the sender for a new link.');
    case 'session-ended':
      return showProblem('The host ended this session', 'Its link no longer works. Ask the sender for a new link if you '
        + 'still need the files.');
    case 'session-expired':
      return showProblem('This session expired', 'Nobody used it for a while, so the server let it go. Ask the sender '
        + 'for a new link.');
    case 'session-full':
      return showProblem('This session is full', e.message);
    case 'rate-limited':
      return showProblem('Too many attempts', 'Wait a few minutes, then try again.', retry);
    case 'unreachable':
      return showProblem('The server cannot be reached', 'Check your connection. The server may also be restarting.', retry);
    default:
      return showProblem('Could not join', e.message, retry);
  }
}

/** Shares [{ file, path }]: in the open session, or in a new one from the start page. */
function handleFiles(entries) {
  if (entries.length === 0) return;
  if (room) room.addFiles(entries);
  else if (!$('start-view').hidden) createSession(entries);
}

function wireControls() {
  for (const [action, input] of [['pick-files', $('file-input')], ['pick-folder', $('folder-input')]]) {
    for (const button of document.querySelectorAll(`[data-action="${action}"]`)) {
      button.addEventListener('click', () => input.click());
    }
    input.addEventListener('change', () => {
      handleFiles(fromInput(input.files)); // a folder's files carry their path inside it
      input.value = ''; // the same file can be picked again
    });
  }
  document.querySelector('[data-action="create-empty"]').addEventListener('click', () => createSession([]));
  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    $('join-error').textContent = '';
    openInvite($('join-link').value);
  });
  $('copy-link').addEventListener('click', copyLink);
  $('rotate-code').addEventListener('click', () => room?.rotateJoinCode());
  $('end-session').addEventListener('click', () => room?.end());
  $('download-all').addEventListener('click', () => room?.downloadAll());
  $('clear-finished').addEventListener('click', () => room?.clearFinished());
  wireDragAndDrop();
}

/** Drop files or folders anywhere on the page; a folder is shared with its tree. */
function wireDragAndDrop() {
  const overlay = $('drop-overlay');
  let depth = 0;
  const carriesFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  const accepting = () => room !== null || !$('start-view').hidden;
  window.addEventListener('dragenter', (e) => {
    if (!carriesFiles(e) || !accepting()) return;
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    if (depth > 0 && --depth === 0) overlay.hidden = true;
  });
  window.addEventListener('dragover', (e) => {
    if (carriesFiles(e)) e.preventDefault(); // allows the drop
  });
  window.addEventListener('drop', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    if (!accepting()) return;
    fromDrop(e.dataTransfer).then(({ entries, unreadable }) => {
      if (unreadable > 0) {
        notify(`${unreadable} ${unreadable === 1 ? 'item' : 'items'} of what you dropped could not be read and ${
          unreadable === 1 ? 'is' : 'are'} not shared.`, 'error');
      }
      handleFiles(entries);
    });
  });
}

async function copyLink() {
  const field = $('invite-link');
  const button = $('copy-link');
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select(); // no clipboard permission (plain http, say): leave it selected for Ctrl+C
    notify('Press Ctrl+C (or ⌘C) to copy the selected link.');
    return;
  }
  button.textContent = 'Copied ✓';
  setTimeout(() => { button.textContent = 'Copy link'; }, 2000);
}

saving.then((ok) => {
  if (!ok) console.info('No service worker: large downloads use the file picker, small ones memory.');
});
start();
