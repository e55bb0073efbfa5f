// Small DOM helpers shared by the views: element building (text only, never HTML strings, so
// names from other members cannot inject markup), view switching and notices.

export const $ = (id) => document.getElementById(id);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const VIEWS = ['start-view', 'busy-view', 'problem-view', 'room-view'];

export function showView(id) {
  for (const view of VIEWS) $(view).hidden = view !== id;
}

export function showBusy(text) {
  $('busy-text').textContent = text;
  showView('busy-view');
}

/** A full-page problem with what to do next; retry is an optional function for the button (default "Try again"). */
export function showProblem(title, text, retry, retryLabel = 'Try again') {
  $('problem-title').textContent = title;
  $('problem-text').textContent = text;
  const button = $('problem-retry');
  button.textContent = retryLabel;
  button.hidden = !retry;
  button.onclick = retry ?? null;
  $('problem-home').classList.toggle('primary', !retry); // one primary action: retrying, when it can help
  showView('problem-view');
  document.title = `${title} — Drag-n-Share`;
  focusHeading($('problem-title'));
}

/** Moves the keyboard focus (and a screen reader) to a new view's heading, which is focusable by script only. */
export function focusHeading(heading) {
  heading.tabIndex = -1;
  heading.focus();
}

/** A notice in the corner; errors (red) and notices stay until closed, infos go after a few seconds. */
export function notify(text, kind = 'info') {
  const close = () => toast.remove();
  const toast = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    el('p', {}, text),
    el('button', { type: 'button', 'aria-label': 'Dismiss', onclick: close }, '×'));
  $('toasts').append(toast);
  if (kind === 'info') setTimeout(close, 6000);
  while ($('toasts').children.length > 4) $('toasts').firstElementChild.remove();
}

/** A short label for a file's type, from its MIME type or extension. */
export function typeLabel(name, type) {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(name);
  if (extension) return extension[1].toUpperCase();
  if (type && type.includes('/')) return type.split('/')[1].slice(0, 5).toUpperCase();
  return 'FILE';
}
