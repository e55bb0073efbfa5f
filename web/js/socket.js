// The member's WebSocket (PROTOCOL.md §6): the token goes in the first message (a browser
// cannot set headers on a WebSocket, and tokens never go in URLs). It carries download requests
// and session events to this tab, and the sharer's offers and encrypted chunks back. When the
// connection drops for a passing reason it reconnects by itself, with backoff.

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
const READY_TIMEOUT_MS = 10000;
/** Close codes after which reconnecting cannot help (PROTOCOL.md §6.4). */
const FINAL_CODES = new Set([4401, 4403, 4409, 4410]);
/**
 * How much may wait in the socket's send buffer before a sender waits. The server's credits
 * already bound it (CHUNK_QUEUE_DEPTH chunks per transfer: 2 MiB at 8 × 256 KiB), so this guard
 * only acts against a server that pulls without credits. It sits above that bound on purpose:
 * its wait is a timer, and a hidden tab (the sharer who switched tabs) runs timers once a second.
 */
const SEND_BUFFER_LIMIT = 16 * 1024 * 1024;

export class SocketClosedError extends Error {
  constructor() {
    super('the connection to the server closed');
    this.name = 'SocketClosedError';
  }
}

export class MemberSocket {
  #token;
  #handlers;
  #ws = null;
  #attempt = 0;
  #retryTimer = null;
  #stopped = false;
  status = 'connecting';

  /** handlers: onMessage(message), onStatus(status), onDisconnect(), onFinal(code, reason). */
  constructor(token, handlers) {
    this.#token = token;
    this.#handlers = handlers;
    window.addEventListener('online', this.#onNetworkBack);
  }

  connect() {
    clearTimeout(this.#retryTimer);
    if (this.#stopped) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/socket`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    let ready = false;
    const readyTimer = setTimeout(() => ws.close(4000, 'no ready in time'), READY_TIMEOUT_MS);
    // protocol 2: this page resumes downloads and sends receipts (PROTOCOL.md §6, §11)
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: this.#token, protocol: 2 }));
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return; // the server sends members no binary messages
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      if (!ready && message.type === 'ready') {
        ready = true;
        clearTimeout(readyTimer);
        this.#attempt = 0;
        this.#setStatus('online');
        return;
      }
      this.#handlers.onMessage(message);
    };
    ws.onclose = (e) => {
      clearTimeout(readyTimer);
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#handlers.onDisconnect();
      if (this.#stopped) return;
      if (FINAL_CODES.has(e.code)) {
        this.#stopped = true;
        this.#setStatus('closed');
        this.#handlers.onFinal(e.code, e.reason);
        return;
      }
      this.#setStatus('reconnecting');
      const delay = BACKOFF_MS[Math.min(this.#attempt++, BACKOFF_MS.length - 1)];
      this.#retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  get online() {
    return this.status === 'online';
  }

  send(message) {
    if (!this.online) throw new SocketClosedError();
    this.#ws.send(JSON.stringify(message));
  }

  /** Sends one binary message once the send buffer has room. The browser sends it as one frame. */
  async sendBinary(bytes) {
    const ws = this.#ws;
    while (ws && ws === this.#ws && ws.bufferedAmount > SEND_BUFFER_LIMIT) {
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    if (!ws || ws !== this.#ws || !this.online) throw new SocketClosedError();
    ws.send(bytes);
  }

  close() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    window.removeEventListener('online', this.#onNetworkBack);
    if (this.#ws) this.#ws.close(1000, 'bye');
    this.#setStatus('closed');
  }

  /** The network came back: do not wait out the backoff. */
  #onNetworkBack = () => {
    if (this.status === 'reconnecting') this.connect();
  };

  #setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.#handlers.onStatus(status);
  }
}
