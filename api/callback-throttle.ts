/**
 * Bad callbacks (a wrong signature) counted per address: past `max` in `windowMs`, that address's
 * callbacks are refused without being checked until the window passes. Good callbacks are never
 * counted, so a gateway that retries many genuine notifications is never slowed by this.
 */
export interface CallbackThrottle {
  /** Whether this address is refused now; the seconds to wait if so. */
  blocked(ip: string): { retryAfterS: number } | undefined;
  failed(ip: string): void;
}

export function createCallbackThrottle(opts: { max?: number; windowMs?: number; now?: () => number } = {}): CallbackThrottle {
  const max = opts.max ?? 20;
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  const current = (ip: string) => {
    const w = windows.get(ip);
    if (!w || now() - w.start >= windowMs) return undefined;
    return w;
  };
  return {
    blocked(ip) {
      const w = current(ip);
      if (!w || w.count < max) return undefined;
      return { retryAfterS: Math.max(1, Math.ceil((w.start + windowMs - now()) / 1000)) };
    },
    failed(ip) {
      const w = current(ip);
      if (w) w.count++;
      else {
        // A bounded map: addresses that stopped sending are forgotten first.
        if (windows.size >= 10_000) windows.delete(windows.keys().next().value!);
        windows.set(ip, { start: now(), count: 1 });
      }
    },
  };
}
