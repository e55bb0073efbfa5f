// Draws the session: the invite card, the members, the file list and the transfers. It only
// reads state and calls back; what a click does is decided in app.js.

import { buildTree, filesIn, treeRows } from './file-tree.js';
import { formatBytes, formatDuration } from './progress.js';
import { drawQr } from './qr.js';
import { safeFileName } from './save.js';
import { $, el, typeLabel } from './ui.js';

let lastInvite = '';
let lastMembers = '';
let lastFiles = '';

export function renderInvite(link, isHost) {
  $('invite-link').value = link;
  $('host-tools').hidden = !isHost;
  if (link !== lastInvite) {
    lastInvite = link;
    drawQr($('qr'), link);
  }
}

export function renderHeader(sessionName) {
  $('invite-session-name').textContent = sessionName;
  $('session-name').textContent = sessionName;
  $('session-name').hidden = !sessionName;
}

/** The tab's title shows how far running transfers got, for someone who switched to another tab. */
export function renderTitle(sessionName, transfers) {
  const running = transfers.filter((t) => t.state === 'receiving' || t.state === 'streaming' || t.state === 'paused');
  const size = running.reduce((sum, t) => sum + t.progress.size, 0);
  const bytes = running.reduce((sum, t) => sum + t.progress.bytes, 0);
  const prefix = running.length === 0 ? '' : `${size > 0 ? Math.floor((bytes / size) * 100) : 0}% · `;
  document.title = `${prefix}${sessionName} — Drag-n-Share`;
}

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Connection lost — reconnecting…',
  closed: 'Disconnected',
};

/** The bar's connection state: words (a live region, so a screen reader says each change), not a dot alone. */
export function renderConnection(status) {
  const node = $('connection');
  node.className = `connection ${status}`;
  node.textContent = CONNECTION_TEXT[status] ?? status;
}

/**
 * Whether the server answers: while it does not, the file list says so and what needs it (downloads,
 * adding, removing, the host's tools) is disabled instead of failing on the click.
 */
export function renderReachable(reachable) {
  $('files-unreachable').hidden = reachable;
  for (const control of document.querySelectorAll('#room-view [data-action="pick-files"], #rotate-code, #end-session')) {
    control.disabled = !reachable;
  }
}

/** The name a download is saved under, when it had to be made safe (no path, no reserved characters). */
function savedAs(name) {
  const safe = safeFileName(name);
  return safe === name ? null : safe;
}

export function renderMembers(members, myId) {
  // redraw only on change: the list is re-read every few seconds and must not flicker
  const signature = JSON.stringify([myId, members.map((m) => [m.id, m.name, m.role, m.online])]);
  if (signature === lastMembers) return;
  lastMembers = signature;
  $('member-list').replaceChildren(...members.map((m) => el('li', {},
    el('span', { class: `dot${m.online ? ' online' : ''}`, 'aria-hidden': 'true' }),
    el('span', {}, m.id === myId ? `${m.name} (you)` : m.name),
    m.role === 'host' ? el('span', { class: 'tag' }, 'host') : null,
    el('span', { class: 'visually-hidden' }, m.online ? ', online' : ', offline'))));
}

/**
 * files: the session's list; me: { id, role }; local: files this tab holds (by id);
 * downloading: ids with a download under way here; reachable: whether the server answers;
 * actions: { download(file), remove(file), downloadFolder(folder) }. Files in folders are grouped
 * under their folder (file-tree.js).
 */
export function renderFiles(files, me, local, downloading, reachable, actions) {
  // redraw only on change, so a periodic refresh never takes the keyboard focus off a button
  const signature = JSON.stringify([me, [...local.keys()], [...downloading], reachable,
    files.map((f) => [f.id, f.name, f.size, f.type, f.ownerId, f.ownerName, f.online])]);
  if (signature === lastFiles) return;
  lastFiles = signature;
  $('files-empty').hidden = files.length > 0;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  $('files-summary').textContent = files.length === 0 ? ''
    : `${files.length} ${files.length === 1 ? 'file' : 'files'} · ${formatBytes(total)}`;
  const fileRow = (file, label) => {
    const mine = file.ownerId === me.id;
    const available = reachable && (mine ? local.has(file.id) : file.online);
    const owner = mine ? (local.has(file.id) ? 'You' : 'You (not in this tab any more)') : file.ownerName || 'someone';
    // with the server out of reach, whether the owner is online is not known
    const presence = reachable ? ` · ${file.online ? 'online' : 'offline'}` : '';
    const safe = mine ? null : savedAs(label); // a file in a folder is saved under its own name inside the folder
    let unavailable = null;
    if (!reachable) unavailable = 'The server cannot be reached: downloads can start once it answers again';
    else if (!file.online) unavailable = `${owner} is offline: download when their page is open`;
    return el('li', { class: 'file', 'data-file-id': file.id },
      el('span', { class: 'file-icon', 'aria-hidden': 'true' }, typeLabel(label, file.type)),
      el('div', { class: 'file-main' },
        el('span', { class: 'file-name', title: file.name }, label),
        safe ? el('span', { class: 'file-saved-as' }, `Saved as “${safe}”`) : null,
        el('span', { class: 'file-meta' },
          el('span', {}, formatBytes(file.size)),
          el('span', { 'aria-hidden': 'true' }, '·'),
          el('span', { class: `dot${available ? ' online' : ''}`, 'aria-hidden': 'true' }),
          el('span', {}, mine ? owner : `${owner}${presence}`))),
      el('div', { class: 'file-actions' },
        mine ? null : el('button', {
          type: 'button', class: 'button small download', disabled: unavailable !== null || downloading.has(file.id),
          // the accessible name starts with the words shown (WCAG 2.5.3), then says which file
          title: unavailable, 'aria-label': `${downloading.has(file.id) ? 'Downloading…' : 'Download'} ${file.name}`,
          onclick: () => actions.download(file),
        }, downloading.has(file.id) ? 'Downloading…' : 'Download'),
        mine || me.role === 'host' ? el('button', {
          type: 'button', class: 'button small ghost', 'aria-label': `Remove ${file.name}`, disabled: !reachable,
          onclick: () => actions.remove(file),
        }, 'Remove') : null));
  };
  const folderActions = (folder) => {
    const theirs = filesIn(folder).filter((f) => f.ownerId !== me.id);
    if (theirs.length === 0) return null;
    return el('button', {
      type: 'button', class: 'button small download', disabled: !theirs.some((f) => f.online),
      'aria-label': `Download folder ${folder.path} as a zip`, onclick: () => actions.downloadFolder(folder),
    }, 'Download folder');
  };
  $('file-list').replaceChildren(...treeRows(buildTree(files), fileRow, folderActions));
  const fromOthers = files.filter((f) => f.ownerId !== me.id);
  $('download-all').hidden = fromOthers.length === 0;
  $('download-all').disabled = !reachable || !fromOthers.some((f) => f.online);
  $('files-offline').hidden = !reachable || !fromOthers.some((f) => !f.online);
}

const STATE_TEXT = {
  queued: 'Waiting for a free slot…',
  requesting: '',
  receiving: '',
  paused: 'Paused — waiting for the sharer',
  streaming: '',
  confirming: 'Sent — waiting for the receiver to confirm',
  done: 'Done',
  interrupted: 'Interrupted',
  unconfirmed: 'Not confirmed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** Takes the rows of these (finished) transfers away; ids are their rows' (rowId, else id). */
export function removeTransfers(ids) {
  for (const id of ids) document.querySelector(`[data-transfer-id="${id}"]`)?.remove();
  $('transfers-empty').hidden = $('transfer-list').children.length > 0;
}

/** Adds or updates one transfer's row in place, so the list does not jump while bytes move. */
export function renderTransfer(transfer, peerName, onCancel) {
  $('transfers-empty').hidden = true;
  // a resumed upload continues in the row of the one it resumes (rowId)
  const rowId = transfer.rowId ?? transfer.id;
  let row = document.querySelector(`[data-transfer-id="${rowId}"]`);
  if (!row) {
    row = el('li', { class: 'transfer', 'data-transfer-id': rowId },
      el('div', { class: 'transfer-head' },
        el('span', { class: 'transfer-direction', role: 'img', 'aria-label': transfer.direction === 'up' ? 'sending' : 'receiving' },
          transfer.direction === 'up' ? '↑' : '↓'),
        el('span', { class: 'transfer-name' }),
        el('span', { class: 'transfer-peer' }),
        el('button', { type: 'button', class: 'button small ghost transfer-cancel', onclick: () => onCancel(transfer) },
          'Cancel')),
      el('p', { class: 'transfer-saved-as', hidden: true }),
      el('progress', { max: '100', value: '0' }),
      el('div', { class: 'transfer-stats' }),
      el('p', { class: 'transfer-message', role: 'status' }));
    $('transfer-list').prepend(row);
  }
  const { progress } = transfer;
  row.className = `transfer ${transfer.state}${transfer.tampered ? ' tampered' : ''}`;
  row.querySelector('.transfer-name').textContent = transfer.name;
  row.querySelector('.transfer-name').title = transfer.name;
  const safe = transfer.direction === 'down' ? savedAs(transfer.name) : null;
  row.querySelector('.transfer-saved-as').hidden = !safe;
  row.querySelector('.transfer-saved-as').textContent = safe ? `Saved as “${safe}”` : '';
  row.querySelector('.transfer-peer').textContent = peerName ? `${transfer.direction === 'up' ? 'to' : 'from'} ${peerName}` : '';
  const cancel = row.querySelector('.transfer-cancel');
  cancel.hidden = !transfer.active || transfer.state === 'confirming'; // once sent, only the receipt is awaited
  cancel.setAttribute('aria-label', `Cancel ${transfer.name}`);
  const bar = row.querySelector('progress');
  bar.value = transfer.state === 'done' ? 100 : progress.percent;
  bar.setAttribute('aria-label', `${transfer.name}: ${Math.floor(bar.value)}%`);
  row.querySelector('.transfer-stats').textContent = stats(transfer);
  row.querySelector('.transfer-message').textContent = transfer.message || STATE_TEXT[transfer.state] || '';
}

function stats(transfer) {
  const { progress } = transfer;
  const percent = transfer.state === 'done' ? 100 : Math.floor(progress.percent);
  const parts = [`${formatBytes(progress.bytes)} of ${formatBytes(progress.size)}`, `${percent}%`];
  if (transfer.state === 'receiving' || transfer.state === 'streaming') {
    const speed = progress.speed;
    if (speed > 0) parts.push(`${formatBytes(speed)}/s`);
    const left = formatDuration(progress.secondsLeft);
    if (left) parts.push(`${left} left`);
  } else if (transfer.state === 'done') {
    progress.finishedAt ??= performance.now();
    const seconds = (progress.finishedAt - progress.startedAt) / 1000;
    parts.push(`in ${formatDuration(seconds)}`);
  }
  return parts.join(' · ');
}
