// The protocol's cryptography on WebCrypto (PROTOCOL.md §4), byte for byte as jdk-client's
// crypto package: transcripts, HKDF-SHA-256, HMAC-SHA-256 over keys, ECDH P-256, and
// AES-256-GCM per chunk with a counter nonce and an AAD that binds transfer, index and end.

import { concat, utf8 } from './bytes.js';

const subtle = crypto.subtle;
export const SECRET_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 65;
export const TAG_LENGTH = 16;
const MAX_CHUNKS = 2 ** 32;

/** Something that crossed the server is not what the other member sent. The transfer must stop. */
export class TamperingError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TamperingError';
  }
}

/** A 64-bit big-endian number field; sizes stay below 2^53, so Number is exact. */
export function u64(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a size: ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** T(f1, f2, …): each field is its length (uint32 BE) and its bytes; text is UTF-8. */
export function transcript(...fields) {
  const parts = [];
  for (const field of fields) {
    const bytes = typeof field === 'string' ? utf8(field) : field;
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length);
    parts.push(length, bytes);
  }
  return concat(...parts);
}

/** HKDF-SHA-256 (RFC 5869) with a 32-byte output. */
export async function hkdf(ikm, salt, info) {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, 256);
  return new Uint8Array(bits);
}

/** authKey = HKDF(secret, salt = sessionId, info = T("dns/v1 auth key")). */
export async function deriveAuthKey(sessionId, secret) {
  if (secret.length !== SECRET_LENGTH) throw new Error(`the session secret must be ${SECRET_LENGTH} bytes`);
  return hkdf(secret, utf8(sessionId), transcript('dns/v1 auth key'));
}

/** chunkKey = HKDF(z, salt = secret, info = T("dns/v1 chunk key", transferId, B, A)). */
export async function deriveChunkKey(ecdhSecret, secret, transferId, receiverKey, senderKey) {
  return hkdf(ecdhSecret, secret, transcript('dns/v1 chunk key', transferId, receiverKey, senderKey));
}

/** receiptKey = HKDF(z, salt = secret, info = T("dns/v2 receipt key", transferId, B, A)) (§4.5). */
export async function deriveReceiptKey(ecdhSecret, secret, transferId, receiverKey, senderKey) {
  return hkdf(ecdhSecret, secret, transcript('dns/v2 receipt key', transferId, receiverKey, senderKey));
}

/** A resumed request or offer (start > 0) ends with uint64(start); a whole-file one is version 1's bytes (§4.3). */
function withStart(fields, start = 0) {
  return start > 0 ? [...fields, u64(start)] : fields;
}

export function requestTranscript(transferId, fileId, receiverKey, start = 0) {
  return transcript(...withStart(['dns/v1 request', transferId, fileId, receiverKey], start));
}

/** terms: { senderKey, name, size, chunkSize, chunks, start } — everything the offer HMAC commits to. */
export function offerTranscript(transferId, fileId, receiverKey, terms) {
  return transcript(...withStart(['dns/v1 offer', transferId, fileId, receiverKey, terms.senderKey,
    terms.name, u64(terms.size), u64(terms.chunkSize), u64(terms.chunks)], terms.start));
}

/** What the receipt's HMAC covers (§4.9): this transfer's offer HMAC, which commits to the whole offer, and the chunk count. */
export function receiptTranscript(transferId, offerMac, chunks) {
  return transcript('dns/v2 receipt', transferId, offerMac, u64(chunks));
}

/**
 * What a member derives from the session secret in the invite's fragment. The server never
 * sees the secret, so it can neither compute these MACs nor swap a public key unnoticed.
 */
export class SessionKeys {
  #secret;
  #macKey;

  constructor(secret, macKey) {
    this.#secret = secret;
    this.#macKey = macKey;
  }

  static async derive(sessionId, secret) {
    const authKey = await deriveAuthKey(sessionId, secret);
    const macKey = await subtle.importKey('raw', authKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return new SessionKeys(secret.slice(), macKey);
  }

  async requestMac(transferId, fileId, receiverKey, start = 0) {
    return new Uint8Array(await subtle.sign('HMAC', this.#macKey, requestTranscript(transferId, fileId, receiverKey, start)));
  }

  async offerMac(transferId, fileId, receiverKey, terms) {
    return new Uint8Array(await subtle.sign('HMAC', this.#macKey, offerTranscript(transferId, fileId, receiverKey, terms)));
  }

  // subtle.verify compares in constant time, as §4.3 asks
  async verifyRequest(transferId, fileId, receiverKey, mac, start = 0) {
    const ok = mac.length === 32
      && await subtle.verify('HMAC', this.#macKey, mac, requestTranscript(transferId, fileId, receiverKey, start));
    if (!ok) throw new TamperingError('the request does not verify against this session’s key (request HMAC): a '
      + 'mistyped or incomplete link, or a key or resume point altered on the way');
  }

  async verifyOffer(transferId, fileId, receiverKey, terms, mac) {
    const ok = mac.length === 32
      && await subtle.verify('HMAC', this.#macKey, mac, offerTranscript(transferId, fileId, receiverKey, terms));
    if (!ok) throw new TamperingError("the sharer's key or file details were altered on the way (offer HMAC does not verify)");
  }

  /**
   * Agrees on this transfer's keys from our key pair and the peer's (HMAC-checked) key: the chunk
   * cipher and the receipt key (§4.5), both from one ECDH secret, which is not kept.
   */
  async agree(own, peerKey, transferId, weAreReceiver) {
    const z = await ecdhSecret(own.privateKey, peerKey);
    const receiverKey = weAreReceiver ? own.publicKey : peerKey;
    const senderKey = weAreReceiver ? peerKey : own.publicKey;
    const [chunkKey, receiptKey] = await Promise.all([
      deriveChunkKey(z, this.#secret, transferId, receiverKey, senderKey),
      deriveReceiptKey(z, this.#secret, transferId, receiverKey, senderKey),
    ]);
    return { cipher: await ChunkCipher.create(chunkKey, transferId), receipt: await ReceiptKey.create(receiptKey, transferId) };
  }

  async chunkCipher(own, peerKey, transferId, weAreReceiver) {
    return (await this.agree(own, peerKey, transferId, weAreReceiver)).cipher;
  }
}

/**
 * One transfer's receipt (§4.9): the receiver's HMAC, under a key only the two ends derive, that it
 * verified every chunk of the offer. The server relays it but cannot make one.
 */
export class ReceiptKey {
  #key;
  #transferId;

  constructor(key, transferId) {
    this.#key = key;
    this.#transferId = transferId;
  }

  static async create(keyBytes, transferId) {
    const key = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return new ReceiptKey(key, transferId);
  }

  async sign(offerMac, chunks) {
    return new Uint8Array(await subtle.sign('HMAC', this.#key, receiptTranscript(this.#transferId, offerMac, chunks)));
  }

  /** Constant-time, as the sharer must compare (§4.9). */
  async verify(offerMac, chunks, receipt) {
    return receipt.length === 32
      && subtle.verify('HMAC', this.#key, receipt, receiptTranscript(this.#transferId, offerMac, chunks));
  }
}

/** A fresh ephemeral P-256 key pair for one transfer: { privateKey, publicKey (65 raw bytes) }. */
export async function newTransferKeys() {
  const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

/** How long and for how many requests the tab keeps its receiver key pair (PROTOCOL.md §4.10, as the CLI). */
const KEPT_TRANSFERS = 1024;
const KEPT_MS = 5 * 60 * 1000;
let keptPair = null; // { keys: Promise of a key pair, uses, since }

/**
 * The receiver's key pair for a download request: one pair for up to KEPT_TRANSFERS requests in
 * KEPT_MS, so a sharer answering this tab's many downloads (a folder's files) can agree on a key
 * once instead of once per file (§4.10). Each request still has its own transferId, so each
 * transfer still has its own chunk key.
 */
export function receiverTransferKeys(now = Date.now()) {
  if (keptPair === null || keptPair.uses >= KEPT_TRANSFERS || now - keptPair.since >= KEPT_MS) {
    const kept = { keys: newTransferKeys(), uses: 0, since: now };
    kept.keys.catch(() => { if (keptPair === kept) keptPair = null; }); // a failure is not kept
    keptPair = kept;
  }
  keptPair.uses++;
  return keptPair.keys;
}

/**
 * Imports a peer's raw key. WebCrypto rejects points that are not on P-256; the length and
 * prefix check rejects the compressed form, which the protocol does not use.
 */
export async function importPeerKey(raw) {
  if (raw.length !== PUBLIC_KEY_LENGTH || raw[0] !== 0x04) {
    throw new TamperingError('public key is not an uncompressed P-256 point (65 bytes starting 0x04)');
  }
  try {
    return await subtle.importKey('raw', raw, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  } catch {
    throw new TamperingError('public key is not a point on P-256');
  }
}

/** z: the 32-byte X coordinate of the shared point, as jdk-client's KeyAgreement gives it. */
export async function ecdhSecret(privateKey, peerRaw) {
  const peer = await importPeerKey(peerRaw);
  return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256));
}

/** chunks = max(1, ceil(size / chunkSize)): even an empty file has an authenticated last chunk. */
export function chunkCount(size, chunkSize) {
  return Math.max(1, Math.ceil(size / chunkSize));
}

export function plainLength(size, chunkSize, index) {
  return Math.min(chunkSize, size - index * chunkSize);
}

/** True when the offered numbers follow §4.6, so the receiver knows every chunk's length. */
export function chunkingAddsUp(size, chunkSize, chunks) {
  return Number.isSafeInteger(size) && size >= 0
    && Number.isSafeInteger(chunkSize) && chunkSize >= 1024 && chunkSize <= 64 * 1024 * 1024
    && chunks === chunkCount(size, chunkSize) && chunks < MAX_CHUNKS;
}

/**
 * AES-256-GCM over one transfer's chunks. The nonce is the index (each transfer has its own
 * key, so it never repeats); the AAD binds transfer, index and the last-chunk flag, so a
 * reordered, dropped, repeated or truncated stream fails to decrypt.
 */
export class ChunkCipher {
  #key;
  #aadPrefix;

  constructor(key, transferId) {
    this.#key = key;
    this.#aadPrefix = transcript('dns/v1 chunk', transferId);
  }

  /** The key bytes are imported non-extractable and not kept. */
  static async create(keyBytes, transferId) {
    const key = await subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
    return new ChunkCipher(key, transferId);
  }

  static nonce(index) {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setBigUint64(4, BigInt(index));
    return nonce;
  }

  aad(index, last) {
    const aad = new Uint8Array(this.#aadPrefix.length + 5);
    aad.set(this.#aadPrefix);
    const view = new DataView(aad.buffer);
    view.setUint32(this.#aadPrefix.length, index);
    aad[aad.length - 1] = last ? 1 : 0;
    return aad;
  }

  #params(index, last) {
    return { name: 'AES-GCM', iv: ChunkCipher.nonce(index), additionalData: this.aad(index, last), tagLength: 128 };
  }

  /** Ciphertext with the 16-byte tag appended, as an ArrayBuffer. */
  async seal(index, last, plaintext) {
    return subtle.encrypt(this.#params(index, last), this.#key, plaintext);
  }

  async open(index, last, ciphertext) {
    if (ciphertext.length < TAG_LENGTH) throw new TamperingError(`chunk ${index} is shorter than its authentication tag`);
    try {
      return new Uint8Array(await subtle.decrypt(this.#params(index, last), this.#key, ciphertext));
    } catch {
      throw new TamperingError(`chunk ${index} does not decrypt: it was altered, reordered or truncated`);
    }
  }
}
