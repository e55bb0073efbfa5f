// Byte encodings the protocol uses (PROTOCOL.md §2): base64url without padding for keys, ids
// and MACs; standard base64 for chunk data on the event stream; UTF-8 for text.

const encoder = new TextEncoder();

export function utf8(text) {
  return encoder.encode(text);
}

export function concat(...parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

// Uint8Array.fromBase64/toBase64 are native in current browsers; the fallbacks keep older ones working.
const nativeBase64 = typeof Uint8Array.fromBase64 === 'function' && typeof Uint8Array.prototype.toBase64 === 'function';

/** Standard base64 with padding, strict: anything else is an error, not a silent guess. */
export function fromBase64(text) {
  if (nativeBase64) return Uint8Array.fromBase64(text, { lastChunkHandling: 'strict' });
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error('not base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Decodes base64 into {@code target} (reused chunk after chunk, so a large download does not
 * allocate a new buffer per chunk) and returns the filled view.
 */
export function fromBase64Into(text, target) {
  if (nativeBase64 && typeof target.setFromBase64 === 'function' && text.length <= Math.ceil(target.length / 3) * 4) {
    if (text.length % 4 !== 0) throw new Error('not base64');
    const { read, written } = target.setFromBase64(text, { lastChunkHandling: 'strict' });
    if (read !== text.length) throw new Error('not base64');
    return target.subarray(0, written);
  }
  return fromBase64(text);
}

export function toBase64(bytes) {
  if (nativeBase64) return bytes.toBase64();
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url without padding (RFC 4648 §5), strict about its alphabet. */
export function fromBase64Url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new Error('not base64url');
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  return fromBase64(padded);
}

export function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A protocol identifier: 16 random bytes, base64url (22 characters). */
export function randomId() {
  return toBase64Url(randomBytes(16));
}
