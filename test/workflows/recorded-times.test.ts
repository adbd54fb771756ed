import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayHistory } from '../../audit/replay';
import { serviceDataConverter } from '../../temporal/data-converter';
import { actors } from '../support/actors';
import { startStack, type Stack } from '../support/stack';
import { workflowDriver } from '../support/workflow';

/**
 * A transition's time is the one its write put on record, and a replay reads it back from the
 * history (issue 12, item 3). The drill froze a worker past its workflow task's timeout: the task's
 * next attempt was completed with the state computed under the first attempt's clock, so the
 * record said 16:24:11.934 where a replay, running under the second attempt's start, said
 * 16:24:27.352. Here the write's marker in a real history is given other times than the task's
 * clock, as such a history carries them; the replay must tell those.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('time-skipping');
});
afterAll(async () => {
  await stack?.stop();
});
const { submit, waitFor, act } = workflowDriver(() => stack);

describe('recorded times', () => {
  it('come back from the history on replay, not from the replaying clock', async () => {
    const h = await submit();
    await waitFor(h, 'AWAITING_RECEIPT');
    await act(h, 'refuse', actors.officer, { reasons: ['GPLX đã bị thu hồi'] });
    await h.result();
    const history = await h.fetchHistory();
    const { payloadCodecs } = serviceDataConverter(stack.keyring);
    const codec = payloadCodecs![0]!;

    // Every write's answer, in the markers of its local activity: shifted 26 s back, re-sealed.
    const SHIFT = 26_000;
    let shifted = 0;
    for (const event of history.events ?? []) {
      const details = (event as temporal.api.history.v1.IHistoryEvent).markerRecordedEventAttributes?.details;
      // Only the activity's result: the marker's `data` is the SDK's own bookkeeping, never sealed.
      const payloads = details?.result;
      if (payloads) {
        const decoded = await codec.decode((payloads.payloads ?? []) as Payload[]);
        const rewritten = decoded.map((p) => {
          const value = (() => {
            try {
              return defaultPayloadConverter.fromPayload<unknown>(p);
            } catch {
              return undefined;
            }
          })();
          if (!value || typeof value !== 'object' || !Array.isArray((value as { times?: unknown }).times)) return p;
          shifted++;
          const times = (value as { times: [number, string][] }).times.map(([seq, at]) => [seq, new Date(Date.parse(at) - SHIFT).toISOString()]);
          return defaultPayloadConverter.toPayload({ times })!;
        });
        payloads.payloads = await codec.encode(rewritten);
      }
    }
    expect(shifted).toBeGreaterThanOrEqual(2);

    const original = await replayHistory({ label: 'original', history: await h.fetchHistory() }, { dataConverter: serviceDataConverter(stack.keyring) });
    const report = await replayHistory({ label: 'carried-over', history }, { dataConverter: serviceDataConverter(stack.keyring) });
    expect(report.verdict, report.divergence?.message).toBe('deterministic');
    expect(report.timeline.map((t) => t.action)).toEqual(['submit', 'verify', 'verified', 'refuse']);
    expect(report.timeline.map((t) => Date.parse(t.at))).toEqual(original.timeline.map((t) => Date.parse(t.at) - SHIFT));
  });
});
