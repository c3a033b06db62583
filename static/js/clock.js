// The server's clock as seen from this screen: NTP-style offset estimation over
// the Socket.IO `sync` event (docs/protocol.md, "sync — clock offset").
//
// Everything is measured on the page's monotonic clock (performance.now()), never on
// Date: when the device's clock is corrected (NTP, a user, a time zone change) a
// countdown does not move. offset = server time - performance.now() at the sample.

import { REQUEST } from './protocol.js';

const SAMPLES = 5;
const GAP_MS = 50;
const EVERY_MS = 60_000;
const TIMEOUT_MS = 3_000;

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const monotonic = () => performance.now();

export class ServerClock {
  constructor(socket) {
    this.socket = socket;
    this.offset = 0; // server epoch ms = performance.now() + offset
    this.rtt = null; // round trip of the sample kept, ms
    this.synced = false; // a measured sample (not only a page's embedded time) is in use
    this.settled = false; // a whole round of samples is in: the offset is the best of them
    this.syncing = false;
    this.listeners = new Set();
    socket.on('connect', () => this.resync());
    setInterval(() => this.resync(), EVERY_MS); // resampling only: timers never count intervals
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.resync();
    });
  }

  /** Server epoch ms, now. */
  now() {
    return monotonic() + this.offset;
  }

  /** How far the device's own clock (Date) is from the server's, for the debug corner. */
  deviceOffset() {
    return this.now() - Date.now();
  }

  /** A rough offset from the time the page was rendered at, only until the first sample. */
  seed(serverTimeMs) {
    if (!this.synced && Number.isFinite(serverTimeMs)) this.offset = serverTimeMs - monotonic();
  }

  onChange(listener) {
    this.listeners.add(listener);
  }

  sample() {
    return new Promise((resolve) => {
      const t0 = monotonic();
      this.socket.timeout(TIMEOUT_MS).emit(REQUEST.sync, { t0 }, (err, answer) => {
        const t3 = monotonic();
        if (err || !answer || !Number.isFinite(answer.server_ms)) return resolve(null);
        resolve({ rtt: t3 - t0, offset: answer.server_ms - (t0 + t3) / 2 });
      });
    });
  }

  keep(sample) {
    this.offset = sample.offset;
    this.rtt = Math.round(sample.rtt);
    this.synced = true;
    for (const listener of this.listeners) listener(this);
  }

  async resync() {
    if (this.syncing || !this.socket.connected) return;
    this.syncing = true;
    try {
      let best = null;
      for (let i = 0; i < SAMPLES && this.socket.connected; i += 1) {
        if (i) await wait(GAP_MS);
        const sample = await this.sample();
        if (sample && (!best || sample.rtt < best.rtt)) {
          best = sample;
          // The very first sample is used at once: a page draws no running countdown
          // before it has one (one round trip on the LAN), then the best one wins.
          if (!this.synced) this.keep(best);
        }
      }
      if (best) {
        this.settled = true;
        this.keep(best);
      }
    } finally {
      this.syncing = false;
    }
  }
}
