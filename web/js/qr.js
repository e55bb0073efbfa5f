// Draws the invite as a QR code on a canvas, in this tab: the link's fragment holds the session
// secret and must never reach a server, so no QR web service is asked.

import { qrcode } from './vendor/qrcode-generator.mjs';

const QUIET_ZONE = 4; // modules of white border scanners need

export function drawQr(canvas, text) {
  const code = qrcode(0, 'M'); // 0: the smallest version that fits the text
  code.addData(text, 'Byte');
  code.make();
  const modules = code.getModuleCount();
  const cssSize = canvas.clientWidth || 220;
  const scale = window.devicePixelRatio || 1;
  const cell = Math.max(1, Math.floor((cssSize * scale) / (modules + 2 * QUIET_ZONE)));
  const size = cell * (modules + 2 * QUIET_ZONE);
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  // always dark on white, also in dark mode: scanners need the contrast
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, size, size);
  context.fillStyle = '#000000';
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (code.isDark(row, col)) context.fillRect((col + QUIET_ZONE) * cell, (row + QUIET_ZONE) * cell, cell, cell);
    }
  }
}
