import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../db/client';
import { blockedUntil, clearKeys, recordFailure } from '../../db/login-throttles';

/**
 * Slowing password guessing down without letting a stranger lock anyone out (OWASP's
 * authentication guidance: growing delays, per address and per account, and device cookies):
 *
 * - every address gets `ipFree` failures, then must wait 1 s, 2 s, 4 s… (at most `maxWait`)
 *   before its next attempt, whichever usernames it tries;
 * - every username gets `accountFree` failures from browsers it has never logged in from, then the
 *   same growing waits for all of them;
 * - a browser the account has logged in from before carries a device cookie for that account, and
 *   is counted on its own: a stranger's failures (elsewhere) never delay the officer at their own
 *   desk, and the officer's own typos delay only that browser.
 *
 * The keys are counted whether the account exists or not, so the answers (401, then 429 with
 * Retry-After) are the same for a real username and a made-up one. While a key waits, the password
 * is not even tried.
 */

export interface ThrottleRules {
  ipFree: number;
  accountFree: number;
  /** The longest wait. */
  maxWaitMs: number;
}

export const DEVICE_COOKIE = 'gplx_device';
/** Where the browser sends it: the login only. */
export const DEVICE_COOKIE_PATH = '/api/v1/auth/login';
export const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 3600;

export function createLoginThrottle(db: Database, rules: ThrottleRules, secret: string) {
  const sign = (username: string, id: string) => createHmac('sha256', secret).update(`device:${username}:${id}`).digest('base64url');

  /** The device id in a cookie made for this username by this service, or undefined. */
  function deviceOf(cookie: string | undefined, username: string): string | undefined {
    const [id, mac] = (cookie ?? '').split('.');
    if (!id || !mac || !/^[\w-]{16,64}$/.test(id)) return undefined;
    const expected = Buffer.from(sign(username, id));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
  }

  function keysOf(username: string, ip: string, device: string | undefined) {
    const name = username.toLowerCase();
    return { ip: `ip:${ip}`, account: device ? `device:${name}:${device}` : `user:${name}` };
  }

  const forgetMs = () => Math.max(rules.maxWaitMs, 15 * 60_000);

  return {
    /**
     * Before the password is tried: how long the caller must still wait (ms), or 0. `cookie` is the
     * device cookie the browser sent, if any.
     */
    async wait(input: { username: string; ip: string; cookie?: string; now: Date }): Promise<number> {
      const keys = keysOf(input.username, input.ip, deviceOf(input.cookie, input.username.toLowerCase()));
      const until = await blockedUntil(db, [keys.ip, keys.account], input.now);
      return until ? until.getTime() - input.now.getTime() : 0;
    },

    async failed(input: { username: string; ip: string; cookie?: string; now: Date }): Promise<void> {
      const keys = keysOf(input.username, input.ip, deviceOf(input.cookie, input.username.toLowerCase()));
      await recordFailure(db, keys.ip, input.now, { free: rules.ipFree, maxWaitMs: rules.maxWaitMs, forgetMs: forgetMs() });
      await recordFailure(db, keys.account, input.now, { free: rules.accountFree, maxWaitMs: rules.maxWaitMs, forgetMs: forgetMs() });
    },

    /** After a successful login: the account's count on this browser starts afresh, and the browser's device cookie (new if it had none). */
    async succeeded(input: { username: string; ip: string; cookie?: string }): Promise<string> {
      const name = input.username.toLowerCase();
      const device = deviceOf(input.cookie, name);
      await clearKeys(db, [keysOf(name, input.ip, device).account]);
      const id = device ?? randomBytes(16).toString('base64url');
      return `${id}.${sign(name, id)}`;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
