// How far one transfer got, how fast it moves and how long it still needs. Shared by both
// directions so the sharer and the receiver read the same figures.

const WINDOW_MS = 3000;

export class Progress {
  #samples = [];
  #initial;

  /** bytes: how much was there already (a resumed transfer); it does not count towards the speed. */
  constructor(size, bytes = 0) {
    this.size = size;
    this.bytes = bytes;
    this.#initial = bytes;
    this.startedAt = performance.now();
  }

  add(bytes) {
    this.bytes += bytes;
    const now = performance.now();
    this.#samples.push([now, this.bytes]);
    while (this.#samples.length > 2 && now - this.#samples[0][0] > WINDOW_MS) this.#samples.shift();
  }

  get percent() {
    return this.size === 0 ? (this.bytes === 0 ? 0 : 100) : Math.min(100, (this.bytes / this.size) * 100);
  }

  /** Bytes per second over the last few seconds (the whole run at the start). */
  get speed() {
    const now = performance.now();
    const first = this.#samples[0];
    if (!first) return 0;
    const [since, bytesThen] = now - first[0] > 250 ? first : [this.startedAt, this.#initial];
    const seconds = (now - since) / 1000;
    return seconds > 0 ? (this.bytes - bytesThen) / seconds : 0;
  }

  /** Seconds left at the current speed; null while unknown. */
  get secondsLeft() {
    const speed = this.speed;
    return speed > 0 ? (this.size - this.bytes) / speed : null;
  }
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatDuration(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
