// Draws the session: the invite card, the members, the file list and the transfers. It only
// reads state and calls back; what a click does is decided in app.js.

import { buildTree, filesIn, treeRows } from './file-tree.js';
import { formatBytes, formatDuration } from './progress.js';
import { drawQr } from './qr.js';
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
  const running = transfers.filter((t) => t.state === 'receiving' || t.state === 'streaming');
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

export function renderConnection(status) {
  const node = $('connection');
  node.hidden = false;
  node.className = `connection ${status}`;
  node.textContent = CONNECTION_TEXT[status] ?? status;
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
 * downloading: ids with a download under way here; actions: { download(file), remove(file),
 * downloadFolder(folder) }. Files in folders are grouped under their folder (file-tree.js).
 */
export function renderFiles(files, me, local, downloading, actions) {
  // redraw only on change, so a periodic refresh never takes the keyboard focus off a button
  const signature = JSON.stringify([me, [...local.keys()], [...downloading],
    files.map((f) => [f.id, f.name, f.size, f.type, f.ownerId, f.ownerName, f.online])]);
  if (signature === lastFiles) return;
  lastFiles = signature;
  $('files-empty').hidden = files.length > 0;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  $('files-summary').textContent = files.length === 0 ? ''
    : `${files.length} ${files.length === 1 ? 'file' : 'files'} · ${formatBytes(total)}`;
  const fileRow = (file, label) => {
    const mine = file.ownerId === me.id;
    const available = mine ? local.has(file.id) : file.online;
    const owner = mine ? (local.has(file.id) ? 'You' : 'You (not in this tab any more)') : file.ownerName || 'someone';
    return el('li', { class: 'file', 'data-file-id': file.id },
      el('span', { class: 'file-icon', 'aria-hidden': 'true' }, typeLabel(label, file.type)),
      el('div', { class: 'file-main' },
        el('span', { class: 'file-name', title: file.name }, label),
        el('span', { class: 'file-meta' },
          el('span', {}, formatBytes(file.size)),
          el('span', { 'aria-hidden': 'true' }, '·'),
          el('span', { class: `dot${available ? ' online' : ''}`, 'aria-hidden': 'true' }),
          el('span', {}, mine ? owner : `${owner} · ${file.online ? 'online' : 'offline'}`))),
      el('div', { class: 'file-actions' },
        mine ? null : el('button', {
          type: 'button', class: 'button small download', disabled: !file.online || downloading.has(file.id),
          title: file.online ? null : `${owner} is offline: download when their page is open`,
          'aria-label': `Download ${file.name}`, onclick: () => actions.download(file),
        }, downloading.has(file.id) ? 'Downloading…' : 'Download'),
        mine || me.role === 'host' ? el('button', {
          type: 'button', class: 'button small ghost', 'aria-label': `Remove ${file.name}`,
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
  $('download-all').disabled = !fromOthers.some((f) => f.online);
  $('files-offline').hidden = !fromOthers.some((f) => !f.online);
}

const STATE_TEXT = {
  queued: 'Waiting for a free slot…',
  requesting: '',
  receiving: '',
  streaming: '',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** Takes the rows of these (finished) transfers away. */
export function removeTransfers(ids) {
  for (const id of ids) document.querySelector(`[data-transfer-id="${id}"]`)?.remove();
  $('transfers-empty').hidden = $('transfer-list').children.length > 0;
}

/** Adds or updates one transfer's row in place, so the list does not jump while bytes move. */
export function renderTransfer(transfer, peerName, onCancel) {
  $('transfers-empty').hidden = true;
  let row = document.querySelector(`[data-transfer-id="${transfer.id}"]`);
  if (!row) {
    row = el('li', { class: 'transfer', 'data-transfer-id': transfer.id },
      el('div', { class: 'transfer-head' },
        el('span', { class: 'transfer-direction', role: 'img', 'aria-label': transfer.direction === 'up' ? 'sending' : 'receiving' },
          transfer.direction === 'up' ? '↑' : '↓'),
        el('span', { class: 'transfer-name' }),
        el('span', { class: 'transfer-peer' }),
        el('button', { type: 'button', class: 'button small ghost transfer-cancel', onclick: () => onCancel(transfer) },
          'Cancel')),
      el('progress', { max: '100', value: '0' }),
      el('div', { class: 'transfer-stats' }),
      el('p', { class: 'transfer-message', role: 'status' }));
    $('transfer-list').prepend(row);
  }
  const { progress } = transfer;
  row.className = `transfer ${transfer.state}${transfer.tampered ? ' tampered' : ''}`;
  row.querySelector('.transfer-name').textContent = transfer.name;
  row.querySelector('.transfer-name').title = transfer.name;
  row.querySelector('.transfer-peer').textContent = peerName ? `${transfer.direction === 'up' ? 'to' : 'from'} ${peerName}` : '';
  const cancel = row.querySelector('.transfer-cancel');
  cancel.hidden = !transfer.active;
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
