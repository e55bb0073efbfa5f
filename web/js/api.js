// The server's REST API (PROTOCOL.md §5). Tokens travel only in the Authorization header.

/** A refused or failed request: HTTP status (0 when the server was not reached), stable code, readable message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  get unreachable() {
    return this.status === 0;
  }
}

async function call(method, path, { token, body, signal, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    if (signal?.aborted) throw signal.reason ?? e; // stopped on purpose (cancel, watchdog), not a network fault
    throw new ApiError(0, 'unreachable', 'The server cannot be reached. Check your connection; it may also be restarting.');
  }
  return response;
}

async function errorOf(response) {
  let json = {};
  try {
    json = await response.json();
  } catch {
    // not JSON: a proxy's page, say; the status alone must do
  }
  const message = typeof json.message === 'string' ? json.message : `The server answered HTTP ${response.status}.`;
  return new ApiError(response.status, typeof json.error === 'string' ? json.error : `http-${response.status}`, message);
}

async function json(method, path, options, expected) {
  const response = await call(method, path, options);
  if (response.status !== expected) throw await errorOf(response);
  return expected === 204 ? null : response.json();
}

const session = (id) => `/api/sessions/${encodeURIComponent(id)}`;

export const api = {
  info: () => json('GET', '/api/info', {}, 200),
  createSession: () => json('POST', '/api/sessions', { body: {} }, 201),
  join: (sessionId, joinCode) => json('POST', `${session(sessionId)}/join`, { body: { joinCode } }, 201),
  session: (sessionId, token) => json('GET', session(sessionId), { token }, 200),
  addFile: (sessionId, token, file) => json('POST', `${session(sessionId)}/files`, { token, body: file }, 201),
  /** Registers many files in one request ({name, size, type} each); resolves to them as listed, in order. */
  addFiles: (sessionId, token, files) => json('POST', `${session(sessionId)}/files`, { token, body: { files } }, 201)
    .then((answer) => answer.files),
  removeFile: (sessionId, token, fileId) =>
    json('DELETE', `${session(sessionId)}/files/${encodeURIComponent(fileId)}`, { token }, 204),
  rotateJoinCode: (sessionId, token) => json('POST', `${session(sessionId)}/join-code`, { token }, 200),
  endSession: (sessionId, token) => json('DELETE', session(sessionId), { token }, 204),

  /** A receiver's report on its transfer (PROTOCOL.md §5.6): { verified } and a receipt or a failure. */
  report: (sessionId, token, transferId, body) =>
    json('POST', `${session(sessionId)}/transfers/${encodeURIComponent(transferId)}/report`, { token, body }, 204),

  /** Starts a download; resolves to the event-stream Response once the server accepted the request. */
  async startTransfer(sessionId, token, fileId, body, signal) {
    const response = await call('POST', `${session(sessionId)}/files/${encodeURIComponent(fileId)}/transfers`,
      { token, body, signal, accept: 'text/event-stream' });
    if (response.status !== 200) throw await errorOf(response);
    return response;
  },
};
