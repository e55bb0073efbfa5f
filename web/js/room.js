// One open session in this tab: the member's socket, the files it shares, the downloads it
// runs, and the host's controls. It keeps the view in step with the server.

import { api } from './api.js';
import { comparePaths, filesIn } from './file-tree.js';
import { inviteLink } from './invite.js';
import { Download } from './receive.js';
import * as view from './room-view.js';
import { planSave, safeFileName } from './save.js';
import { Sharing } from './share.js';
import { shareFiles } from './share-files.js';
import { MemberSocket } from './socket.js';
import { $, focusHeading, notify, showProblem, showView } from './ui.js';
import { ZipDownload } from './zip-download.js';

const MAX_PARALLEL_DOWNLOADS = 3;
/** The server pushes file and member changes; presence it does not, so the list is re-read this often. */
const REFRESH_MS = 10000;
/** How often a moving transfer's row is redrawn. */
const DRAW_MS = 250;
/** While the socket is down, the server is asked this often whether it answers (the file list says so). */
const PROBE_MS = 2000;

/**
 * The member's token is kept in sessionStorage (this tab only, gone when it closes) so that a
 * reload keeps the membership, and with it the host's rights; never the secret, never a URL.
 */
export const tokenStore = {
  get: (sessionId) => sessionStorage.getItem(`dns-token:${sessionId}`),
  set: (sessionId, token) => sessionStorage.setItem(`dns-token:${sessionId}`, token),
  forget: (sessionId) => sessionStorage.removeItem(`dns-token:${sessionId}`),
};

export class Room {
  session = null;
  downloads = new Map();
  #refreshTimer = null;
  #titleTimer = null;
  #probeTimer = null;
  #reachable = true; // whether the server answered the last REST call
  #refreshes = 0; // number of the latest refresh asked for
  #applied = 0; // number of the latest refresh shown; older answers that arrive late are dropped
  #seenListed = new Set(); // our files the server has listed at least once
  #drawScheduled = new Set();
  /** False once the session is over for this tab: leaving it then loses nothing. */
  #live = true;
  #startOver;

  /**
   * invite: { base, sessionId, joinCode, secret }; member: { memberId, role, token }; keys: SessionKeys;
   * startOver(files): opens a new session sharing these files (offered when this one is gone).
   */
  constructor(invite, member, keys, startOver) {
    this.invite = invite;
    this.member = { ...member, sessionId: invite.sessionId };
    this.keys = keys;
    this.#startOver = startOver;
  }

  get isHost() {
    return this.member.role === 'host';
  }

  get link() {
    return inviteLink(this.invite.base, this.invite.sessionId, this.invite.joinCode, this.invite.secret);
  }

  /** Opens the room; resumed means this tab reloaded, so files it listed before are no longer here. */
  async enter(resumed) {
    tokenStore.set(this.member.sessionId, this.member.token);
    this.socket = new MemberSocket(this.member.token, {
      onMessage: (m) => this.#onMessage(m),
      onStatus: (status) => {
        view.renderConnection(status);
        // a dropped socket may mean the server is down: ask it now and every few seconds, so the file list
        // says so (and downloads are disabled) at once rather than at the next periodic refresh
        clearInterval(this.#probeTimer);
        if (status === 'reconnecting') this.#probeTimer = setInterval(() => this.refresh(), PROBE_MS);
        if (status === 'online' || status === 'reconnecting') this.refresh();
      },
      onDisconnect: () => this.sharing.disconnected(),
      onFinal: (code, reason) => this.#closed(code, reason),
    });
    this.sharing = new Sharing(this.keys, this.socket, {
      onChange: (upload) => this.#draw(upload),
      onWarning: (text) => notify(text, 'error'),
      onNotice: (text) => notify(text, 'notice'),
    });
    // the first read may fail like a join (unreachable, ended); the caller explains it
    this.#apply(await api.session(this.member.sessionId, this.member.token), ++this.#refreshes);
    if (resumed) await this.#forgetFilesFromBefore();
    showView('room-view');
    focusHeading($('session-name')); // keyboard and screen-reader users start at the new view, not the page's top
    view.renderConnection('connecting');
    this.socket.connect();
    this.#refreshTimer = setInterval(() => {
      if (document.visibilityState === 'visible') this.refresh();
    }, REFRESH_MS);
    // a timer, not animation frames: the title is what shows while the tab is in the background
    this.#titleTimer = setInterval(() => view.renderTitle(this.session?.name ?? '',
      [...this.downloads.values(), ...this.sharing.uploads.values()]), 1000);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.socket.status !== 'closed') this.refresh();
    });
    window.addEventListener('beforeunload', (e) => {
      if (this.#live && (this.sharing.files.size > 0 || [...this.downloads.values()].some((d) => d.active))) e.preventDefault();
    });
  }

  async refresh() {
    const number = ++this.#refreshes;
    let session;
    try {
      session = await api.session(this.member.sessionId, this.member.token);
    } catch (e) {
      if (e.unreachable || e.status >= 500) {
        this.#setReachable(false); // down, restarting or without its database: nothing that needs it can work now
      } else if (e.status === 410 || e.status === 404) {
        this.#closed(4410, e.code);
      } else if (e.status === 401 || e.status === 403) {
        this.#closed(4401, '');
      } else {
        notify(e.message, 'error');
      }
      return;
    }
    this.#apply(session, number);
  }

  #setReachable(reachable) {
    if (this.#reachable === reachable) return;
    this.#reachable = reachable;
    view.renderReachable(reachable);
    if (this.session) this.#redraw();
  }

  #apply(session, number) {
    this.#setReachable(true);
    if (number < this.#applied) return;
    this.#applied = number;
    this.session = session;
    if (this.isHost && session.joinCode) this.invite.joinCode = session.joinCode;
    // a paused download asks again at once when its file's owner is back, not at its next try
    const online = new Set(session.files.filter((f) => f.online).map((f) => f.id));
    for (const download of this.downloads.values()) {
      if (download.state === 'paused' && online.has(download.fileId)) download.retryNow();
    }
    // a file the host took off the list is no longer served from this tab either
    const listed = new Set(session.files.map((f) => f.id));
    for (const fileId of [...this.sharing.files.keys()]) {
      if (listed.has(fileId)) this.#seenListed.add(fileId);
      else if (this.#seenListed.has(fileId)) this.sharing.remove(fileId);
    }
    this.#redraw();
  }

  /** Shares files, each { file, path } (a path inside a picked or dropped folder, else the name). */
  async addFiles(entries) {
    await shareFiles(entries, { limits: this.session?.limits ?? {}, sharing: this.sharing, member: this.member });
    await this.refresh();
  }

  async remove(file) {
    try {
      await api.removeFile(this.member.sessionId, this.member.token, file.id);
    } catch (e) {
      if (e.status !== 404) {
        notify(`“${file.name}” could not be removed: ${e.message}`, 'error');
        return;
      }
    }
    this.sharing.remove(file.id);
    await this.refresh();
  }

  /** Starts a download; the save plan is made now, while the click still counts as the person's. */
  async download(file) {
    let plan;
    try {
      plan = await planSave(file.name, file.size);
    } catch (e) {
      if (e.name !== 'AbortError') notify(e.message, 'error');
      return;
    }
    const download = new Download({
      member: this.member, keys: this.keys, file, plan,
      maxChunkSize: this.session?.limits?.maxChunkSize ?? 1024 * 1024,
      onChange: (d) => {
        this.#draw(d);
        if (d.state !== d.shownState) {
          d.shownState = d.state;
          if (this.session) this.#redraw(); // the file's button says whether it is downloading
        }
        if (!d.active) this.#startQueued();
      },
    });
    this.downloads.set(download.id, download);
    this.#draw(download);
    this.#startQueued();
  }

  /** Every online file of the others: one file as itself, several as one zip named after the session. */
  async downloadAll() {
    const files = (this.session?.files ?? []).filter((f) => f.ownerId !== this.member.memberId && f.online);
    if (files.length === 1) await this.download(files[0]);
    else if (files.length > 1) await this.#downloadZip(files, `${safeFileName(this.session.name)}.zip`, '');
  }

  /** A folder's online files of the others (folder from file-tree.js), as one zip named after it. */
  async downloadFolder(folder) {
    const files = filesIn(folder).filter((f) => f.ownerId !== this.member.memberId && f.online);
    const parent = folder.path.includes('/') ? folder.path.slice(0, folder.path.lastIndexOf('/')) : '';
    if (files.length > 0) await this.#downloadZip(files, `${safeFileName(folder.name)}.zip`, parent);
  }

  async #downloadZip(files, name, root) {
    const zip = new ZipDownload({
      member: this.member, keys: this.keys, files: [...files].sort((a, b) => comparePaths(a.name, b.name)), name, root,
      maxChunkSize: this.session?.limits?.maxChunkSize ?? 1024 * 1024,
      onChange: (d) => {
        this.#draw(d);
        if (!d.active) this.#startQueued();
      },
    });
    try {
      zip.plan = await planSave(name, zip.size ?? zip.progress.size); // now, while the click still counts as the person's
    } catch (e) {
      if (e.name !== 'AbortError') notify(e.message, 'error');
      return;
    }
    this.downloads.set(zip.id, zip);
    this.#draw(zip);
    this.#startQueued();
  }

  cancel(transfer) {
    if (transfer.direction === 'up') this.sharing.cancel(transfer.id);
    else transfer.cancel();
  }

  async rotateJoinCode() {
    try {
      const { joinCode } = await api.rotateJoinCode(this.member.sessionId, this.member.token);
      this.invite.joinCode = joinCode;
      history.replaceState(null, '', this.link);
      this.#redraw();
      notify('New link made. The old link no longer lets anyone join; people already here stay.');
    } catch (e) {
      notify(`No new link: ${e.message}`, 'error');
    }
  }

  async end() {
    if (!window.confirm('End this session for everyone? Running transfers stop and the link stops working.')) return;
    try {
      await api.endSession(this.member.sessionId, this.member.token);
    } catch (e) {
      notify(`The session could not be ended: ${e.message}`, 'error');
      return;
    }
    this.#closed(4410, 'ended-by-you');
  }

  /** Forgets finished transfers, here and on screen. */
  clearFinished() {
    const finished = [...this.downloads.values(), ...this.sharing.uploads.values()].filter((t) => !t.active);
    for (const t of finished) {
      this.downloads.delete(t.id);
      this.sharing.uploads.delete(t.id);
    }
    view.removeTransfers(finished.map((t) => t.rowId ?? t.id));
    $('clear-finished').hidden = true;
  }

  #onMessage(message) {
    if (this.sharing.handle(message)) return;
    if (['files-changed', 'members-changed', 'session-changed'].includes(message.type)) this.refresh();
    else if (message.type === 'error') notify(message.message || 'The server refused a message.', 'error');
  }

  /** After a reload the tab holds no File handles: take our old entries off the list. */
  async #forgetFilesFromBefore() {
    const stale = this.session.files.filter((f) => f.ownerId === this.member.memberId);
    for (const file of stale) {
      await api.removeFile(this.member.sessionId, this.member.token, file.id).catch(() => {});
    }
    if (stale.length > 0) {
      notify(`The page was reloaded, so ${stale.length === 1 ? 'your file is' : 'your files are'} no longer shared. Add them again.`);
      await this.refresh();
    }
  }

  #startQueued() {
    let running = [...this.downloads.values()].filter((d) => ['requesting', 'receiving', 'paused'].includes(d.state)).length;
    for (const download of this.downloads.values()) {
      if (running >= MAX_PARALLEL_DOWNLOADS) return;
      if (download.state === 'queued') {
        running++;
        download.run();
      }
    }
  }

  #redraw() {
    const s = this.session;
    $('room-view').classList.toggle('host', this.isHost);
    view.renderHeader(s.name);
    view.renderTitle(s.name, [...this.downloads.values(), ...this.sharing.uploads.values()]);
    view.renderInvite(this.link, this.isHost);
    view.renderMembers(s.members, this.member.memberId);
    const downloading = new Set([...this.downloads.values()].filter((d) => d.active).map((d) => d.fileId));
    view.renderFiles(s.files, { id: this.member.memberId, role: this.member.role }, this.sharing.files, downloading,
      this.#reachable, {
      download: (file) => this.download(file),
      remove: (file) => this.remove(file),
      downloadFolder: (folder) => this.downloadFolder(folder),
    });
  }

  /**
   * Progress comes per chunk; a row is drawn in the next frame when its state changed, else at most
   * every DRAW_MS: style, layout and paint 60 times a second cost the page more than the bytes.
   */
  #draw(transfer) {
    if (this.#drawScheduled.has(transfer)) return;
    this.#drawScheduled.add(transfer);
    const wait = transfer.state === transfer.drawnState ? (transfer.drawnAt ?? 0) + DRAW_MS - performance.now() : 0;
    setTimeout(() => requestAnimationFrame(() => {
      this.#drawScheduled.delete(transfer);
      transfer.drawnState = transfer.state;
      transfer.drawnAt = performance.now();
      if (!this.downloads.has(transfer.id) && !this.sharing.uploads.has(transfer.id)) return; // cleared meanwhile
      view.renderTransfer(transfer, this.#peerName(transfer), (t) => this.cancel(t));
      if (!transfer.active) $('clear-finished').hidden = false;
    }), Math.max(0, wait));
  }

  #peerName(transfer) {
    if (transfer.direction === 'down') return transfer.file.ownerName;
    return this.session?.members.find((m) => m.id === transfer.receiverId)?.name ?? '';
  }

  #closed(code, reason) {
    this.#live = false;
    // still in this tab, whatever the server forgot; shared again under the same paths
    const files = [...this.sharing.files.values()].map(({ file, name }) => ({ file, path: name }));
    clearInterval(this.#refreshTimer);
    clearInterval(this.#titleTimer);
    clearInterval(this.#probeTimer);
    this.socket.close();
    for (const download of this.downloads.values()) download.cancel();
    if (code !== 4409) tokenStore.forget(this.member.sessionId); // a reload may take the session back
    if ((code === 4410 || code === 4401) && reason !== 'ended-by-you' && files.length > 0) {
      // the server no longer knows this session or this tab's access: say so, and keep the files one click away
      showProblem('This session is gone', 'The server no longer knows this session: it ended or expired, or the server '
        + 'restarted without keeping it. Its link no longer works, so nobody can download from it. '
        + `${files.length === 1 ? 'Your file is' : `Your ${files.length} files are`} still in this tab: `
        + 'share them again in a new session, and send its new link.',
        () => this.#startOver(files), 'Start a new session with these files');
    } else if (code === 4410) {
      showProblem('This session has ended', reason === 'ended-by-you'
        ? 'You ended the session. Its link no longer works, and nothing of it is left on the server.'
        : endedBecause(reason));
    } else if (code === 4409) {
      showProblem('Open in another tab', 'This session was opened again in another tab or window, which took over. '
        + 'Use that one, or reload this page to take it back.', () => location.reload());
    } else {
      showProblem('Your access ended', 'Your access to this session expired or was refused. Open the invite link again.');
    }
  }
}

/** Why a session is gone, from the socket's close reason or the server's error code. */
function endedBecause(reason) {
  if (/expired/.test(reason)) {
    return 'It expired: nobody used it for a while, so the server let it go. Ask for a new link if you still need the files.';
  }
  if (/ended/.test(reason)) return 'The host ended this session. Ask for a new link if you still need the files.';
  return 'The host ended this session, or it expired. Ask for a new link if you still need the files.';
}
