/** The emulator's clock: real time (or an injected one) plus an offset that tests advance. */
export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export function createClock(base: () => number = Date.now): Clock {
  let offset = 0;
  return {
    now: () => base() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError('advanceTime needs a non-negative number of ms');
      offset += ms;
    },
  };
}
