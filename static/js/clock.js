// The server's clock as seen from this screen: NTP-style offset estimation over
// the Socket.IO `sync` event (docs/protocol.md, "sync — clock offset").

const SAMPLES = 5;
const GAP_MS = 50;
const EVERY_MS = 60_000;
const TIMEOUT_MS = 3_000;

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class ServerClock {
  constructor(socket) {
    this.socket = socket;
    this.offset = 0; // server clock = client clock + offset
    this.rtt = null; // round trip of the sample kept, ms
    this.synced = false;
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
    return Date.now() + this.offset;
  }

  /** A rough offset from a state's server_time_ms, used only until the first real sync. */
  seed(serverTimeMs) {
    if (!this.synced && Number.isFinite(serverTimeMs)) this.offset = serverTimeMs - Date.now();
  }

  onChange(listener) {
    this.listeners.add(listener);
  }

  sample() {
    return new Promise((resolve) => {
      const t0 = Date.now();
      this.socket.timeout(TIMEOUT_MS).emit('sync', { t0 }, (err, answer) => {
        const t3 = Date.now();
        if (err || !answer || !Number.isFinite(answer.server_ms)) return resolve(null);
        resolve({ rtt: t3 - t0, offset: answer.server_ms - (t0 + t3) / 2 });
      });
    });
  }

  async resync() {
    if (this.syncing || !this.socket.connected) return;
    this.syncing = true;
    try {
      let best = null;
      for (let i = 0; i < SAMPLES && this.socket.connected; i += 1) {
        if (i) await wait(GAP_MS);
        const sample = await this.sample();
        if (sample && (!best || sample.rtt < best.rtt)) best = sample;
      }
      if (best) {
        this.offset = best.offset;
        this.rtt = best.rtt;
        this.synced = true;
        for (const listener of this.listeners) listener(this);
      }
    } finally {
      this.syncing = false;
    }
  }
}
