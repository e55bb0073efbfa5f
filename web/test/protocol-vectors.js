// Run inside Chromium by PageCryptoVectorsTest: derives PROTOCOL.md §10's values from its inputs
// with the page's own modules, and checks that tampering is refused. Returns plain JSON.
async (vectors) => {
  const bytes = await import('/js/bytes.js');
  const c = await import('/js/crypto.js');
  const { parseInvite } = await import('/js/invite.js');
  const { fromHex, toHex, toBase64, toBase64Url, utf8 } = bytes;
  const inputs = vectors.inputs;
  const secret = fromHex(inputs.secret);
  const receiverKey = fromHex(inputs.receiver.publicKey);
  const senderKey = fromHex(inputs.sender.publicKey);
  const { transferId, fileId, sessionId } = inputs;

  // the private scalars d come as JWK, the only way WebCrypto imports a bare P-256 scalar
  const privateKey = (d, pub) => crypto.subtle.importKey('jwk', {
    kty: 'EC', crv: 'P-256', d: toBase64Url(fromHex(d)),
    x: toBase64Url(pub.slice(1, 33)), y: toBase64Url(pub.slice(33)),
  }, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const receiver = { privateKey: await privateKey(inputs.receiver.d, receiverKey), publicKey: receiverKey };
  const sender = { privateKey: await privateKey(inputs.sender.d, senderKey), publicKey: senderKey };

  const keys = await c.SessionKeys.derive(sessionId, secret);
  const terms = { senderKey, ...inputs.offer };
  const z = await c.ecdhSecret(receiver.privateKey, senderKey);
  const chunkKey = await c.deriveChunkKey(z, secret, transferId, receiverKey, senderKey);
  const cipher = await c.ChunkCipher.create(chunkKey, transferId);
  const chunks = [];
  for (const chunk of inputs.chunks) {
    chunks.push({
      index: chunk.index,
      nonce: toHex(c.ChunkCipher.nonce(chunk.index)),
      aad: toHex(cipher.aad(chunk.index, chunk.last)),
      ciphertext: toBase64(new Uint8Array(await cipher.seal(chunk.index, chunk.last, utf8(chunk.plaintext)))),
    });
  }
  const derived = {
    authKey: toHex(await c.deriveAuthKey(sessionId, secret)),
    requestTranscript: toHex(c.requestTranscript(transferId, fileId, receiverKey)),
    requestHmac: toBase64Url(await keys.requestMac(transferId, fileId, receiverKey)),
    offerTranscript: toHex(c.offerTranscript(transferId, fileId, receiverKey, terms)),
    offerHmac: toBase64Url(await keys.offerMac(transferId, fileId, receiverKey, terms)),
    ecdhSecret: toHex(z),
    chunkKeyInfo: toHex(c.transcript('dns/v1 chunk key', transferId, receiverKey, senderKey)),
    chunkKey: toHex(chunkKey),
    chunks,
  };
  const invite = parseInvite(inputs.invite);
  derived.invite = { server: invite.base, sessionId: invite.sessionId, joinCode: invite.joinCode, secret: toHex(invite.secret) };

  const refused = async (action) => {
    try {
      await action();
      return 'accepted';
    } catch (e) {
      return e instanceof c.TamperingError ? 'tampering' : `other: ${e}`;
    }
  };
  const expected = vectors.expected;
  const chunk0 = bytes.fromBase64(expected.chunks[0].ciphertext);
  const flipped = chunk0.slice();
  flipped[3] ^= 1;
  const offCurve = receiverKey.slice();
  offCurve[64] ^= 1;
  const otherKey = (await c.newTransferKeys()).publicKey;
  // the production path: each side's SessionKeys.chunkCipher from its own key pair
  const receiving = await keys.chunkCipher(receiver, senderKey, transferId, true);
  const sending = await keys.chunkCipher(sender, receiverKey, transferId, false);
  const checks = {
    receiverDecryptsChunk0: new TextDecoder().decode(await receiving.open(0, false, chunk0)),
    senderSealsChunk1: toBase64(new Uint8Array(await sending.seal(1, true, new Uint8Array(0)))),
    ecdhAgrees: toHex(await c.ecdhSecret(sender.privateKey, receiverKey)) === toHex(z),
    requestVerifies: await refused(() => keys.verifyRequest(transferId, fileId, receiverKey,
      bytes.fromBase64Url(expected.requestHmac))),
    offerVerifies: await refused(() => keys.verifyOffer(transferId, fileId, receiverKey, terms,
      bytes.fromBase64Url(expected.offerHmac))),
    swappedRequestKey: await refused(() => keys.verifyRequest(transferId, fileId, otherKey,
      bytes.fromBase64Url(expected.requestHmac))),
    swappedOfferKey: await refused(() => keys.verifyOffer(transferId, fileId, receiverKey,
      { ...terms, senderKey: otherKey }, bytes.fromBase64Url(expected.offerHmac))),
    changedOfferSize: await refused(() => keys.verifyOffer(transferId, fileId, receiverKey,
      { ...terms, size: terms.size + 1 }, bytes.fromBase64Url(expected.offerHmac))),
    wrongLastFlag: await refused(() => receiving.open(0, true, chunk0)),
    wrongIndex: await refused(() => receiving.open(1, false, chunk0)),
    flippedByte: await refused(() => receiving.open(0, false, flipped)),
    offCurveKey: await refused(() => c.importPeerKey(offCurve)),
    compressedKey: await refused(() => c.importPeerKey(receiverKey.slice(0, 33))),
    emptyFileChunks: c.chunkCount(0, 262144),
  };
  return { derived, checks };
}
