// Files to share with the path they have inside what was picked or dropped: a dropped folder is
// walked (DataTransferItem.webkitGetAsEntry, in every current browser) and "Choose folder" gives
// each File its webkitRelativePath. Paths are "/"-separated and relative ("photos/2024/a.jpg");
// empty folders hold nothing to share. A path is made acceptable to the server (PROTOCOL.md §5.4)
// the way a receiver would make it safe, so one odd name never refuses a whole folder.

const MAX_COMPONENT = 255;

/** Files from a file or folder input: [{ file, path }]. */
export function fromInput(fileList) {
  return [...fileList].map((file) => ({ file, path: wirePath(file.webkitRelativePath || file.name) }));
}

/**
 * Files from a drop, folders walked: resolves to { entries: [{ file, path }], unreadable }. The
 * items must be taken from the DataTransfer during the drop event itself, so this is called there.
 */
export function fromDrop(dataTransfer) {
  const roots = [];
  const loose = [];
  for (const item of dataTransfer.items) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) roots.push(entry);
    else if (item.getAsFile()) loose.push(item.getAsFile());
  }
  return (async () => {
    const found = { entries: loose.map((file) => ({ file, path: wirePath(file.name) })), unreadable: 0 };
    for (const root of roots) await walk(root, found);
    return found;
  })();
}

async function walk(entry, found) {
  try {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      found.entries.push({ file, path: wirePath(entry.fullPath.replace(/^\/+/, '')) });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      // readEntries hands out a folder's entries a batch (about 100) at a time, until an empty batch
      for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
        for (const child of batch) await walk(child, found);
      }
    }
  } catch {
    found.unreadable++; // moved, or not readable by the browser: the rest of the folder still counts
  }
}

function readBatch(reader) {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

/**
 * A path the server accepts: empty, "." and ".." parts dropped, and in each part the characters
 * it refuses (control and direction characters, lone surrogates, backslash) replaced by "_", at
 * most 255 characters.
 */
export function wirePath(path) {
  const parts = String(path).split('/').filter((part) => part !== '' && part !== '.' && part !== '..')
    .map((part) => {
      const chars = Array.from(part, (ch) => {
        const c = ch.codePointAt(0);
        const refused = c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029
          || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f
          || c === 0x061c || (c >= 0xd800 && c <= 0xdfff) || ch === '\\';
        return refused ? '_' : ch;
      });
      const text = chars.slice(0, MAX_COMPONENT).join('');
      return text.trim() === '' ? '_' : text;
    });
  return parts.length > 0 ? parts.join('/') : 'file';
}
