// The session's files grouped by folder: a file named "photos/2024/a.jpg" is listed as a.jpg
// inside 2024 inside photos. Each folder is a row with its file count and size, a disclosure
// button (folders start closed; their rows are made only when opened, so a tree of thousands
// of files costs one row per top folder) and "Download folder", which saves it as one zip.

import { formatBytes } from './progress.js';
import { el } from './ui.js';

const openFolders = new Set(); // paths of folders the person opened; kept across redraws

/** A folder: { path, name, folders: Map(name → folder), files: [file], count, size }. */
export function buildTree(files) {
  const root = folder('', '');
  for (const file of files) {
    const parts = file.name.split('/');
    let node = root;
    node.count++;
    node.size += file.size;
    for (const part of parts.slice(0, -1)) {
      if (!node.folders.has(part)) node.folders.set(part, folder(node.path ? `${node.path}/${part}` : part, part));
      node = node.folders.get(part);
      node.count++;
      node.size += file.size;
    }
    node.files.push(file);
  }
  return root;
}

function folder(path, name) {
  return { path, name, folders: new Map(), files: [], count: 0, size: 0 };
}

/** Every file below a folder, in the list's order. */
export function filesIn(node) {
  return [...node.folders.values()].flatMap(filesIn).concat(node.files);
}

/**
 * The rows for a folder's contents: its folders (by name), then its files. fileRow(file, label)
 * makes a file's row; folderActions(node) the folder's buttons.
 */
export function treeRows(node, fileRow, folderActions) {
  const folders = [...node.folders.values()].sort((a, b) => a.name.localeCompare(b.name));
  return [
    ...folders.map((child) => folderRow(child, fileRow, folderActions)),
    ...node.files.map((file) => fileRow(file, file.name.slice(node.path ? node.path.length + 1 : 0))),
  ];
}

function folderRow(node, fileRow, folderActions) {
  const id = `folder-${[...node.path].map((c) => c.codePointAt(0).toString(36)).join('-')}`;
  const children = el('ul', { class: 'file-list nested', id, role: 'group' });
  const toggle = el('button', {
    type: 'button', class: 'folder-toggle', 'aria-expanded': 'false', 'aria-controls': id, title: node.path,
  }, el('span', { class: 'folder-arrow', 'aria-hidden': 'true' }, '▸'), el('span', { class: 'folder-name' }, node.name));
  const show = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    children.hidden = !open;
    children.replaceChildren(...(open ? treeRows(node, fileRow, folderActions) : []));
  };
  toggle.addEventListener('click', () => {
    const open = !openFolders.has(node.path);
    if (open) openFolders.add(node.path);
    else openFolders.delete(node.path);
    show(open);
  });
  show(openFolders.has(node.path));
  return el('li', { class: 'folder', 'data-folder': node.path },
    el('div', { class: 'folder-head' },
      el('span', { class: 'file-icon folder-icon', 'aria-hidden': 'true' }, 'DIR'),
      el('div', { class: 'file-main' }, toggle,
        el('span', { class: 'file-meta' }, `${node.count} ${node.count === 1 ? 'file' : 'files'} · ${formatBytes(node.size)}`)),
      el('div', { class: 'file-actions' }, folderActions(node))),
    children);
}

/** Paths in folder order, part by part: all of "a/b/…" together, before "a/b2". */
export function comparePaths(a, b) {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}
