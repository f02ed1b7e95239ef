import { createHmac, randomBytes } from "node:crypto";
import { type Clock, realSleep, systemClock } from "./clock.ts";

/** Gates the calls made to one Actito licence, whichever client makes them. */
export interface LicenceLimiter {
  /** Waits for a slot; the returned function gives it back (calling it twice is harmless). */
  acquire(): Promise<() => void>;
  /** Calls in flight now, and the most ever seen at once. */
  stats(): { inFlight: number; peakInFlight: number; started: number };
}

export interface LicenceLimits {
  /** At most this many calls in flight (Actito allows 5 a licence; default 4 leaves room). */
  maxConcurrent?: number;
  /** At most this many calls started in any 60 s (Actito throttles past 100; default 90). */
  callsPerMinute?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_CALLS_PER_MINUTE = 90;
const WINDOW_MS = 60_000;

/**
 * A FIFO limiter: at most `maxConcurrent` in flight and at most `callsPerMinute` starts in any
 * sliding 60-second window. `Infinity` lifts either limit.
 */
export function createLicenceLimiter(limits: LicenceLimits = {}): LicenceLimiter {
  const maxConcurrent = limits.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  const callsPerMinute = limits.callsPerMinute ?? DEFAULT_CALLS_PER_MINUTE;
  const clock = limits.clock ?? systemClock;
  const sleep = limits.sleep ?? realSleep;
  if (!(maxConcurrent >= 1) || !(callsPerMinute >= 1))
    throw new RangeError("licence limits must be at least 1");

  const waiting: (() => void)[] = [];
  /** Start times inside the current window, oldest first (only kept when the budget is finite). */
  const starts: number[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  let started = 0;
  let timerArmed = false;

  const pump = (): void => {
    while (waiting.length > 0 && inFlight < maxConcurrent) {
      if (Number.isFinite(callsPerMinute)) {
        const now = clock.now();
        while (starts.length > 0 && starts[0]! <= now - WINDOW_MS) starts.shift();
        if (starts.length >= callsPerMinute) {
          // The budget is spent: come back when the oldest start leaves the window.
          if (!timerArmed) {
            timerArmed = true;
            void sleep(starts[0]! + WINDOW_MS - now).then(() => {
              timerArmed = false;
              pump();
            });
          }
          return;
        }
        starts.push(now);
      }
      inFlight++;
      started++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      waiting.shift()!();
    }
  };

  return {
    async acquire() {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        pump();
      });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
        pump();
      };
    },
    stats: () => ({ inFlight, peakInFlight, started }),
  };
}

const shared = new Map<string, LicenceLimiter>();
let fingerprintSalt: Buffer | undefined;

/**
 * The process-wide limiter of one licence, created on first use with the limits given then. The
 * licence is identified by base URL and `licence` (`<endpoint>/<entity>`) when given, so every
 * integration on it shares the limiter; otherwise by base URL, endpoint and API key. Hashed with a
 * per-process random salt so the key appears nowhere, not even as a map key.
 */
export function sharedLicenceLimiter(
  licence: { baseUrl: string; endpoint: string; apiKey: string; licence?: string | undefined },
  limits: LicenceLimits = {},
): LicenceLimiter {
  fingerprintSalt ??= randomBytes(32);
  const identity =
    licence.licence !== undefined
      ? `licence\0${licence.baseUrl}\0${licence.licence}`
      : `key\0${licence.baseUrl}\0${licence.endpoint}\0${licence.apiKey}`;
  const id = createHmac("sha256", fingerprintSalt).update(identity).digest("base64url");
  let limiter = shared.get(id);
  if (limiter === undefined) {
    limiter = createLicenceLimiter(limits);
    shared.set(id, limiter);
  }
  return limiter;
}
