import type { DrillClient } from './client';
import type { Exchange, Journal } from './journal';
import type { Stack } from './stack';

/**
 * Every request the API answered during a drill must have its access-log entry (seed 003 art.
 * 29.7: who looked at what). Each drill request carries a User-Agent of its own, which the entry
 * keeps, so the entries are matched one to one in the `access_log` table; reading the log through
 * the admin API first makes the API flush what it still holds in memory (api/access-log.ts writes
 * in batches every 100 ms).
 */

export interface AccessLogCheck {
  expected: number;
  missing: Exchange[];
}

export async function checkAccessLog(stack: Stack, control: DrillClient, journal: Journal): Promise<AccessLogCheck> {
  // Every route the drills call is a logged one (POST /dossiers, GET /dossiers/:id, actions, audit replay, login).
  const expected = journal.answered().filter((e) => e.route.includes(' /api/v1/'));
  await control.call('quantri', { method: 'GET', route: 'GET /api/v1/admin/access-log', path: '/api/v1/admin/access-log?limit=1' }, Date.now() + 30_000);
  const rows = await stack.sql<{ user_agent: string }[]>`
    select user_agent from access_log where starts_with(user_agent, ${journal.userAgentPrefix})`;
  const found = new Set(rows.map((r) => r.user_agent));
  return { expected: expected.length, missing: expected.filter((e) => !found.has(e.userAgent)) };
}

/** When an answer came, relative to the fault: an entry lost just before a kill -9 is the writer's unflushed batch. */
function whenOf(at: number, fault?: { start: number; end: number }): string {
  if (!fault) return '';
  if (at > fault.end) return ' after the fault ended';
  if (at >= fault.start) return ' during the fault';
  const before = fault.start - at;
  return before <= 150 ? ' within 150 ms before the fault' : before <= 1000 ? ' within 1 s before the fault' : ' more than 1 s before the fault';
}

/** The missing entries, grouped as "N × 500 GET /api/v1/dossiers/:id during the fault". */
export function describeMissing(missing: Exchange[], fault?: { start: number; end: number }): string[] {
  const groups = new Map<string, number>();
  for (const e of missing) {
    const key = `${e.status} ${e.route}${whenOf(e.answeredAt!, fault)}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => `${n} × ${k}`);
}
