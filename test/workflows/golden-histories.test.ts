import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GoldenManifestEntry } from '../../scripts/record-golden-histories';
import { workflowBundle } from '../../temporal/workflow-bundle';
import { HistoryFormatError, canonicalHistoryJSON, historyFromJSON, historyToObject, type History } from '../../audit/history-json';
import { bundleWorkflows, quietReplayRuntime, replayHistories, replayHistory, type ReplayReport } from '../../audit/replay';
import { serviceDataConverter } from '../../temporal/data-converter';
import { TEST_KEYRING } from '../support/payload-keys';

/**
 * The guard against changes that break running dossiers: every golden history (test/histories/,
 * recorded from real runs of every path by `npm run record:histories`) must replay against the
 * current workflow code, and the replay must rebuild the timeline the live run ended with.
 * No Temporal server: replay runs the workflow code on the recorded events alone.
 */

const DIR = path.join(__dirname, '..', 'histories');
const manifest = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as Record<string, GoldenManifestEntry>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'manifest.json').sort();
const raw = (file: string) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { events: Record<string, unknown>[] };
const golden = Object.entries(manifest).map(([name, entry]) => ({ name, entry, history: historyFromJSON(raw(entry.file)) }));

/** The recordings since payload encryption are sealed with the committed test key; older ones are plain and decode either way. */
const dataConverter = serviceDataConverter(TEST_KEYRING);

async function replayAll(options: Parameters<typeof replayHistories>[1] = {}): Promise<Map<string, ReplayReport>> {
  const reports = new Map<string, ReplayReport>();
  for await (const r of replayHistories(golden.map((g) => ({ label: g.name, history: g.history })), { dataConverter, ...options })) reports.set(r.label, r);
  return reports;
}

const brief = (r: ReplayReport) => r.timeline.map((t) => ({ action: t.action, to: t.to, username: t.actor.username, at: t.at }));

beforeAll(() => {
  quietReplayRuntime();
});

describe('golden histories', { timeout: 240_000 }, () => {
  it('cover every path of the lifecycle, each file in the manifest', () => {
    expect(files).toEqual(Object.values(manifest).map((e) => e.file).sort());
    // The paths the issue names, and those whose commands differ (no health certificate, a service down).
    expect(Object.keys(manifest)).toEqual(
      expect.arrayContaining([
        'post-delivery', 'counter-hand-over', 'failed-delivery-counter', 'supplement-then-delivered', 'appraisal-supplement-paused',
        'supplement-time-limit', 'intake-refusal', 'appraisal-refusal', 'withdrawal', 'payment-time-limit', 'apology-reschedule',
        'holiday-added', 'no-health-certificate', 'services-down',
      ]),
    );
    const finals = new Set(Object.values(manifest).map((e) => e.finalStatus));
    expect([...finals].sort()).toEqual(['DELIVERED', 'REFUSED_AT_INTAKE', 'STOPPED', 'WITHDRAWN']);
    const actions = new Set(Object.values(manifest).flatMap((e) => e.transitions.map((t) => t.action)));
    for (const a of ['receive', 'request-supplement', 'supplement', 'refuse', 'assign', 'appraise', 'approve', 'send-back', 'record-payment', 'ship', 'hand-over', 'confirm-delivery', 'withdraw', 'reschedule']) {
      // reschedule appends no transition of its own: it shows as the deadline moving.
      if (a !== 'reschedule') expect(actions, a).toContain(a);
    }
    for (const a of ['deadline-moved', 'apology-required', 'late', 'payment-reminder', 'time-limit']) expect(actions, a).toContain(a);
  });

  it('keep two generations: the plain ones recorded before the slim, encrypted history (kept as name@build), and the new ones, sealed', () => {
    // Every payload's data as text, as anyone reading the file (or Temporal's store) would see it.
    const readable = (file: string) =>
      JSON.stringify(raw(file), (key, value: unknown) => (key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value));
    const sealed = golden.filter((g) => g.entry.payloadKeyId);
    const plain = golden.filter((g) => !g.entry.payloadKeyId);
    // Every plain one has its sealed successor; paths added since (the verification re-check) exist sealed only.
    const sealedNames = new Set(sealed.map((g) => g.name));
    expect(plain.map((g) => g.name.replace(/@.*$/, '')).filter((n) => !sealedNames.has(n))).toEqual([]);
    for (const { name, entry } of sealed) {
      // The fixtures' applicant: Nguyễn Văn An, 0912345678. Plain before, sealed now.
      expect(readable(entry.file), name).not.toContain('0912345678');
      expect(readable(entry.file), name).not.toContain('Nguyễn Văn An');
      const older = plain.find((p) => p.name.startsWith(`${name}@`));
      if (!older) continue;
      expect(readable(older.entry.file), older.name).toContain('0912345678');
      expect(entry.events, name).toBeLessThan(older.entry.events);
    }
  });

  it('replay deterministically against the current workflow code, rebuilding the timeline each run ended with', async () => {
    const reports = await replayAll();
    for (const { name, entry } of golden) {
      const r = reports.get(name)!;
      expect(r.verdict, `${name}: ${r.divergence?.message}`).toBe('deterministic');
      expect(r.closed, name).toBe(true);
      expect(r.timeline.length, name).toBeGreaterThan(0);
      // Rebuilt by running the code, with actor and time: the same as the state the live run returned.
      expect(brief(r), name).toEqual(entry.transitions);
      expect(r.timeline.at(-1)!.to, name).toBe(entry.finalStatus);
      expect(r.timeline.map((t) => t.seq)).toEqual(r.timeline.map((_, i) => i));
    }
  });

  it('catch a deliberately changed workflow: every history that reached approval diverges where the fee notice was scheduled', async () => {
    const changed = await bundleWorkflows(path.join(DIR, 'changed-workflow'));
    // The SDK's own replayer says so too, with the error a worker would meet on a running dossier.
    const post = golden.find((g) => g.name === 'post-delivery')!;
    const sinks = { audit: { transition: { fn: () => undefined } } };
    await expect(Worker.runReplayHistory({ workflowBundle: changed, sinks, replayName: 'guard', dataConverter }, post.history)).rejects.toBeInstanceOf(DeterminismViolationError);
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), sinks, replayName: 'guard', dataConverter }, post.history)).resolves.toBeUndefined();
    const reports = await replayAll({ bundle: changed });
    let caught = 0;
    for (const { name, entry } of golden) {
      const r = reports.get(name)!;
      const approved = entry.transitions.findIndex((t) => t.action === 'approve');
      if (approved === -1) {
        // The change is in code these dossiers never reached: they still replay.
        expect(r.verdict, name).toBe('deterministic');
        continue;
      }
      caught++;
      const feeNotice = raw(entry.file).events.find(
        (e) => (e.activityTaskScheduledEventAttributes as { activityType?: { name?: string } } | undefined)?.activityType?.name === 'createFeeNotice',
      )!;
      expect(r.verdict, name).toBe('nondeterministic');
      expect(r.divergence, name).toMatchObject({
        eventId: Number(feeNotice.eventId),
        eventType: 'ActivityTaskScheduled',
        eventDetail: 'createFeeNotice',
        eventTime: expect.any(String),
        command: 'Timer',
        message: expect.stringMatching(/Nondeterminism/),
      });
      // The timeline is rebuilt as far as the code agreed with the history: up to the approval.
      expect(brief(r), name).toEqual(entry.transitions.slice(0, approved));
    }
    expect(caught).toBeGreaterThanOrEqual(16);
  });

  it('give a history of another workflow type a failed verdict, not a crash', async () => {
    const json = historyToObject(golden[0]!.history);
    const started = json.events[0]!.workflowExecutionStartedEventAttributes as { workflowType: { name: string } };
    started.workflowType.name = 'noSuchWorkflow';
    const r = await replayHistory({ label: 'other', history: historyFromJSON(json) }, { dataConverter });
    expect(r.verdict).toBe('failed');
    expect(r.divergence?.message).toMatch(/workflow type noSuchWorkflow/);
    expect(r.timeline).toEqual([]);
  });

  it('report a history the replay worker cannot even take as failed, and go on with the next ones on a fresh worker', async () => {
    const withdrawal = golden.find((g) => g.name === 'withdrawal')!;
    const inputs = [
      { label: 'empty', history: { events: [] } },
      { label: 'withdrawal', history: withdrawal.history },
      { label: 'empty again', history: { events: [] } },
      { label: 'withdrawal again', history: withdrawal.history },
    ];
    const reports: ReplayReport[] = [];
    for await (const r of replayHistories(inputs, { dataConverter })) reports.push(r);
    expect(reports.map((r) => [r.label, r.verdict])).toEqual([
      ['empty', 'failed'],
      ['withdrawal', 'deterministic'],
      ['empty again', 'failed'],
      ['withdrawal again', 'deterministic'],
    ]);
    expect(brief(reports[3]!)).toEqual(withdrawal.entry.transitions);
  });

  it('throw, rather than retry forever, when no replay worker can start at all', async () => {
    const withdrawal = golden.find((g) => g.name === 'withdrawal')!;
    await expect(replayHistory({ label: 'withdrawal', history: withdrawal.history }, { bundle: { code: 'this is not a workflow bundle (' }, dataConverter })).rejects.toThrow();
  });

  it('replay an open dossier as far as its history goes', async () => {
    const post = golden.find((g) => g.name === 'post-delivery')!;
    // Cut before the workflow task that followed the receipt: a dossier waiting for its assignment.
    const events = post.history.events!;
    const receipt = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    const upTo = events.findIndex((e, i) => i > receipt && e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    const r = await replayHistory({ label: 'open', history: { events: events.slice(0, upTo) } as History }, { dataConverter });
    expect(r.verdict, r.divergence?.message).toBe('deterministic');
    expect(r.closed).toBe(false);
    expect(r.timeline.at(-1)?.action).toBe('receive');
    expect(brief(r)).toEqual(post.entry.transitions.slice(0, r.timeline.length));
  });
});

describe('history JSON', () => {
  const sample = golden.find((g) => g.name === 'withdrawal')!;

  it('reads what older tools wrote (enum names without their prefix) and hashes it the same', () => {
    const json = historyToObject(sample.history);
    const legacy = {
      events: json.events.map((e) => ({
        ...e,
        eventType: String(e.eventType).replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s: string, c: string) => c.toUpperCase()),
      })),
    };
    expect(legacy.events[0]!.eventType).toBe('WorkflowExecutionStarted');
    expect(canonicalHistoryJSON(historyFromJSON(legacy))).toBe(canonicalHistoryJSON(sample.history));
  });

  it('names the field at fault in a malformed history', () => {
    const fails = (json: unknown) => {
      try {
        historyFromJSON(json);
      } catch (err) {
        expect(err).toBeInstanceOf(HistoryFormatError);
        return (err as HistoryFormatError).field;
      }
      throw new Error('accepted');
    };
    expect(fails({})).toBe('history.events');
    expect(fails({ events: [] })).toBe('history.events');
    expect(fails({ events: [{ eventId: '1' }] })).toBe('history.events.0');
    const events = historyToObject(sample.history).events;
    expect(fails({ events: [events[0], events[2]] })).toBe('history.events.1.eventId');
    expect(fails({ events: events.slice(1) })).toBe('history.events.0.eventId');
    expect(fails({ events: [{ ...events[0], eventTime: 'yesterday' }] })).toBe('history');
  });
});
