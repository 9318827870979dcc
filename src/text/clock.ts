/**
 * The server's clock behind an interface, so a test can pin "now" (e.g. 00:30 in Vietnam, which is
 * 17:30 UTC the day before) without touching the machine's clock or faking timers.
 *
 * One clock is current per process (per test file under vitest): `now()` reads it, and every
 * default of `todayInVietnam()`/`yearInVietnam()` (text/dates.ts) goes through it, so each date
 * the server derives ("today", an import's join day, audit instants, report defaults) follows it.
 * Production never changes it: it is the system clock. Browser-safe (the field app bundles it).
 */
export interface Clock {
  /** the current instant */
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is set: for tests. */
export class FixedClock implements Clock {
  private at: number;
  constructor(at: Date | string) {
    this.at = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.at);
  }
  /** Moves the clock to `at` (an instant, ISO 8601 with offset or a Date). */
  set(at: Date | string): void {
    this.at = new Date(at).getTime();
  }
  /** Moves the clock on by `ms` milliseconds. */
  advance(ms: number): void {
    this.at += ms;
  }
}

let current: Clock = systemClock;

/** The current instant by the current clock. */
export function now(): Date {
  return current.now();
}

/** The clock in use. */
export function currentClock(): Clock {
  return current;
}

/**
 * Makes `clock` the current clock (buildApp's `clock` option, or a test) and returns a function
 * that puts the previous one back.
 */
export function useClock(clock: Clock): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}
