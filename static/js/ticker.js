// Drawing from the server's clock only when something shown changes (docs/protocol.md,
// "Drawing a timer"). Every draw returns the server instant of its next visible change
// (a second flipping, a threshold, the overtime flash); the page sleeps until the
// earliest one, then wakes on it: a coarse setTimeout to just before it and a short
// precise wait for the rest. A screen drawn every frame spent 1–3 % of a core and
// flipped up to a frame late; this one wakes a few times a second, on the instant.
//
// Timers fire late (a busy page) and, by a fraction of a millisecond, early; the offset
// estimate moves when a new sample is kept. Neither matters: each wake draws from
// clock.now() and plans again, so an early wake changes nothing and waits the rest, and
// a new offset, a new state or the page becoming visible again re-plans at once.
// Hidden, the page draws nothing (as animation frames stopped it before); visible
// again, it draws at once.

const COARSE_EARLY_MS = 15; // the coarse wait ends this much before the instant
const SPIN_MS = 1.5; // the last fraction of a millisecond timers cannot hit: a spin

/** The first instant after `now` that is `anchor` plus a whole number of `period`s. */
export function nextFlip(now, anchor, period = 1000) {
  if (!Number.isFinite(anchor)) return Infinity;
  const into = (((now - anchor) % period) + period) % period;
  return now + period - into;
}

class Ticker {
  constructor(clock) {
    this.clock = clock;
    this.draws = new Set();
    this.timeout = null;
    this.queued = false;
    // A fresh task between waits: chained setTimeouts nest and Chromium then makes each
    // wait at least 4 ms; a message from a channel starts a new chain.
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => {
      this.queued = false;
      this.run();
    };
    clock.onChange(() => this.redraw());
    document.addEventListener('visibilitychange', () => this.redraw());
  }

  add(draw) {
    this.draws.add(draw);
    this.redraw();
  }

  /** Draw everything again soon (in a task of its own) and plan the next wake. */
  redraw() {
    if (this.queued) return;
    this.queued = true;
    this.channel.port2.postMessage(null);
  }

  run() {
    clearTimeout(this.timeout);
    this.timeout = null;
    if (document.visibilityState === 'hidden') return;
    let next = Infinity;
    for (const draw of this.draws) {
      const at = draw();
      if (at < next) next = at;
    }
    if (Number.isFinite(next)) this.waitFor(next);
  }

  waitFor(at) {
    const left = at - this.clock.now();
    if (left > COARSE_EARLY_MS) {
      this.timeout = setTimeout(() => this.redraw(), left - COARSE_EARLY_MS);
    } else if (left > SPIN_MS) {
      this.timeout = setTimeout(() => this.finish(at), Math.floor(left - SPIN_MS));
    } else {
      this.finish(at);
    }
  }

  finish(at) {
    const left = at - this.clock.now();
    if (left > SPIN_MS) {
      this.waitFor(at); // the offset moved meanwhile, or the timer was early
      return;
    }
    while (this.clock.now() < at) {
      // at most SPIN_MS: setTimeout only counts whole milliseconds
    }
    this.run();
  }
}

const tickers = new Map();

/**
 * Call `draw()` now and again whenever the instant it returns (server epoch ms; Infinity
 * or nothing: none) comes, when the clock's offset changes, the page shows again or
 * `redrawFrom(clock)` is called (a new state or programme).
 */
export function onTick(clock, draw) {
  if (!tickers.has(clock)) tickers.set(clock, new Ticker(clock));
  tickers.get(clock).add(() => draw() ?? Infinity);
}

/** Something drawn from the clock may have changed (a state, a programme): draw again. */
export function redrawFrom(clock) {
  tickers.get(clock)?.redraw();
}
