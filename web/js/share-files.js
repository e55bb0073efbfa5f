// Sharing files in a session: what is checked before a file is registered (already shared, too
// large) and registration in batches that stay within the server's limits.

import { api } from './api.js';
import { notify } from './ui.js';

/**
 * Shares files, each { file, path } (a path inside a picked or dropped folder, else the name):
 * checked here, then registered a few hundred per request, never a request per file.
 */
export async function shareFiles(entries, { limits, sharing, member }) {
  const maxSize = limits.maxFileSize ?? Infinity;
  const shared = new Set([...sharing.files.values()].map(({ file, name }) => sameFile(file, name)));
  const accepted = [];
  for (const { file, path } of entries) {
    if (shared.has(sameFile(file, path))) {
      notify(`“${path}” is already shared.`);
    } else if (file.size > maxSize) {
      notify(`“${path}” is too large: this server accepts files up to ${formatLimit(maxSize)}.`, 'error');
    } else {
      shared.add(sameFile(file, path));
      accepted.push({ file, path });
    }
  }
  for (const batch of batches(accepted, limits)) {
    try {
      const listed = await api.addFiles(member.sessionId, member.token, batch.map(({ file, path }) =>
        ({ name: path, size: file.size, type: file.type || 'application/octet-stream' })));
      listed.forEach((f, i) => sharing.add(f.id, batch[i].file, f.name));
    } catch (e) {
      const what = batch.length === 1 ? `“${batch[0].path}”` : `${batch.length} files`;
      notify(`${what} could not be shared: ${e.message}`, 'error');
      if (e.unreachable || e.code === 'too-many-files') break;
    }
  }
}

/** What makes a shared file the same one again: where it is listed, its size and its date. */
function sameFile(file, path) {
  return `${path}\u0000${file.size}\u0000${file.lastModified}`;
}

/** Registration requests: each within the server's files per request and request size (with room to spare). */
function batches(entries, limits) {
  const maxFiles = limits.maxFilesPerRequest ?? 1000;
  const maxBytes = (limits.maxRequestBytes ?? 65536) * 0.75;
  const encoder = new TextEncoder();
  const all = [];
  let batch = [];
  let bytes = 0;
  for (const entry of entries) {
    const length = encoder.encode(entry.path).length + 100; // the name, and the rest of its entry
    if (batch.length > 0 && (batch.length >= maxFiles || bytes + length > maxBytes)) {
      all.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += length;
  }
  if (batch.length > 0) all.push(batch);
  return all;
}

function formatLimit(bytes) {
  if (!Number.isFinite(bytes)) return 'any size';
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${Math.round(gib)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
