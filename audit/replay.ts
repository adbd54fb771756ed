import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { Transition } from '../domain/dossier-state';
import { WORKFLOW_TYPE, type AuditSinks } from '../workflows/definitions';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';
import { quietBundlerLogger, workflowBundle } from '../temporal/workflow-bundle';
import { executionOf, isClosed, type History } from './history-json';

/**
 * Replays recorded histories against the workflow code this process runs (or another bundle), the
 * way a worker does when it rebuilds a dossier after a restart, and reports for each whether the
 * code still makes the commands the history recorded, where it stopped doing so, and the timeline
 * the code rebuilt. Nothing runs for real: no activity, no server, no database.
 */

/** One transition as the replayed code appended it: the timeline is rebuilt by running the history, not read off its events. */
export interface TimelineEntry extends Transition {
  seq: number;
}

export type Verdict = 'deterministic' | 'nondeterministic' | 'failed';

export interface ReplayReport {
  /** The caller's name for the history: a dossier code, a file, a reference. */
  label: string;
  workflowId?: string;
  runId?: string;
  verdict: Verdict;
  /** Events in the history, and whether it ends with the workflow closed (an open one is replayed as far as it goes). */
  events: number;
  closed: boolean;
  /** Where the code parted from the history (nondeterministic) or why the replay could not run (failed). */
  divergence?: Divergence;
  timeline: TimelineEntry[];
  durationMs: number;
}

/**
 * Where the replayed code parted from the history: the event it could not match (id, type, what it
 * was about: the activity type, timer, update or signal name, and when it happened) and the kind of
 * command the code produced instead, as Core names its state machine (e.g. `Timer`), with the
 * activity type when the code scheduled another activity (`Activity createFeeNotice`).
 */
export interface Divergence {
  message: string;
  eventId?: number;
  eventType?: string;
  eventDetail?: string;
  eventTime?: string;
  command?: string;
}

export interface ReplayInput {
  label: string;
  history: History;
}

export interface ReplayOptions {
  /** The workflow code to replay against; default: this process's own bundle (temporal/workflow-bundle.ts). */
  bundle?: WorkflowBundle;
  /**
   * How the history's payloads are decoded: the service's (temporal/data-converter.ts), whose keys
   * open encrypted histories. Histories written before encryption replay with or without it.
   */
  dataConverter?: DataConverter;
}

/**
 * Replays every history with one replay worker, yielding a report per history as it finishes, in
 * order. A history that cannot be replayed gets a 'failed' verdict; it never throws for one history.
 */
export async function* replayHistories(inputs: Iterable<ReplayInput> | AsyncIterable<ReplayInput>, options: ReplayOptions = {}): AsyncGenerator<ReplayReport> {
  const bundle = options.bundle ?? (await workflowBundle());
  const timelines = new Map<string, TimelineEntry[]>();
  const sinks = {
    audit: {
      transition: {
        fn: (info: { workflowId: string }, transition: Transition) => {
          const timeline = timelines.get(info.workflowId);
          timeline?.push({ seq: timeline.length, ...transition });
        },
        callDuringReplay: true,
      },
    },
  } satisfies Record<keyof AuditSinks, unknown>;

  const source = (async function* () {
    for await (const input of inputs) yield input;
  })();
  let n = 0;
  for (;;) {
    // One replay worker for as many histories as it takes; should one fail outright, a fresh one takes the rest.
    const started = new Map<string, { input: ReplayInput; at: number }>();
    const feed = (async function* () {
      for (;;) {
        const next = (await source.next()).value;
        if (!next) return;
        const key = `replay-${++n}`;
        timelines.set(key, []);
        started.set(key, { input: next, at: performance.now() });
        yield { workflowId: key, history: next.history };
      }
    })();
    try {
      for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, sinks, replayName: 'audit-replay', dataConverter: options.dataConverter }, feed)) {
        const entry = started.get(result.workflowId)!;
        started.delete(result.workflowId);
        yield report(entry.input, result.error, timelines.get(result.workflowId) ?? [], performance.now() - entry.at, result.runId);
        timelines.delete(result.workflowId);
      }
      return;
    } catch (err) {
      // A replay worker that could not even start (a broken bundle) is no history's fault: say so.
      if (started.size === 0) throw err;
      // The replay worker itself failed (a malformed history it could not even take, an SDK fault):
      // the history it was on fails, the ones after it get a new worker.
      for (const [key, entry] of started) {
        yield report(entry.input, err, timelines.get(key) ?? [], performance.now() - entry.at);
        timelines.delete(key);
      }
    }
  }
}

export async function replayHistory(input: ReplayInput, options: ReplayOptions = {}): Promise<ReplayReport> {
  for await (const r of replayHistories([input], options)) return r;
  throw new Error('replay produced no report');
}

function report(input: ReplayInput, error: unknown, timeline: TimelineEntry[], durationMs: number, runId?: string): ReplayReport {
  const execution = executionOf(input.history);
  const base = {
    label: input.label,
    workflowId: execution.workflowId,
    runId: execution.runId ?? runId,
    events: input.history.events?.length ?? 0,
    closed: isClosed(input.history),
    timeline,
    durationMs: Math.round(durationMs),
  };
  if (!error) return { ...base, verdict: 'deterministic' };
  const message = error instanceof Error ? error.message : String(error);
  const verdict: Verdict = error instanceof DeterminismViolationError ? 'nondeterministic' : 'failed';
  return { ...base, verdict, divergence: { message: explain(tidy(message), execution.workflowType), ...whereDiverged(message, input.history) } };
}

/**
 * A workflow task failure's own message travels encrypted (temporal/failure-converter.cjs), so the
 * replayer sees only "Encoded failure": say what is known instead.
 */
function explain(message: string, workflowType: string): string {
  if (workflowType !== WORKFLOW_TYPE) return `a history of workflow type ${workflowType || '(none)'}: this code replays ${WORKFLOW_TYPE} histories only`;
  if (message === 'Encoded failure') return 'the workflow code failed on this history (its reason is encrypted with the failure: the Temporal Web UI shows it decoded to auditors)';
  return message;
}

/** Core's own words, without the SDK's preamble and the Failure structure around them. */
function tidy(message: string): string {
  const core = /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1];
  return (core ?? message.replace(/^.*?Details: /s, '')).replace(/\\"/g, '"');
}

/**
 * Core names the event it could not match, e.g. `HistoryEvent(id: 81, ActivityTaskScheduled)`, and
 * the state machine of the command it got instead, e.g. `Timer machine does not handle this event`.
 * When an activity was renamed Core names no event, only both types (`Activity type of scheduled
 * event 'a' does not match activity type of activity command 'b'`): the event is then the first
 * scheduling of the recorded type (or id), since replay stops at the first mismatch.
 */
function whereDiverged(message: string, history: History): Omit<Divergence, 'message'> {
  const events = history.events ?? [];
  const mismatch = /Activity (type|id) of scheduled event '([^']*)' does not match activity (?:type|id) of activity command '([^']*)'/.exec(message);
  let eventId: number | undefined;
  let command: string | undefined;
  if (mismatch) {
    const [, kind, recorded, made] = mismatch;
    const index = events.findIndex((e) => {
      const scheduled = e.activityTaskScheduledEventAttributes;
      return kind === 'type' ? scheduled?.activityType?.name === recorded : scheduled?.activityId === recorded;
    });
    eventId = index >= 0 ? index + 1 : undefined;
    command = `Activity ${made}`;
  } else {
    const id = /HistoryEvent\(id: (\d+)/.exec(message)?.[1] ?? /\bevent (?:id )?(\d+)/i.exec(message)?.[1];
    eventId = id ? Number(id) : undefined;
    command = /(\w+) machine does not handle/.exec(message)?.[1] ?? /\bcommand (?:type )?(\w+)/i.exec(message)?.[1];
  }
  const event = eventId ? events[eventId - 1] : undefined;
  const eventType = event?.eventType != null ? eventTypeName(event.eventType) : /HistoryEvent\(id: \d+, (\w+)/.exec(message)?.[1];
  const detail = event ? eventDetail(event) : undefined;
  const time = event?.eventTime ? new Date(Number(event.eventTime.seconds ?? 0) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6)).toISOString() : undefined;
  return {
    ...(eventId ? { eventId } : {}),
    ...(eventType ? { eventType } : {}),
    ...(detail ? { eventDetail: detail } : {}),
    ...(time ? { eventTime: time } : {}),
    ...(command ? { command } : {}),
  };
}

function eventDetail(e: NonNullable<History['events']>[number]): string | undefined {
  return (
    e.activityTaskScheduledEventAttributes?.activityType?.name ??
    localActivityOf(e) ??
    (e.timerStartedEventAttributes?.timerId ? `timer ${e.timerStartedEventAttributes.timerId}` : undefined) ??
    e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ??
    e.workflowExecutionSignaledEventAttributes?.signalName ??
    e.markerRecordedEventAttributes?.markerName ??
    undefined
  );
}

/** A local activity's marker names its activity type in data Core writes itself (plain JSON, not the codec's). */
function localActivityOf(e: NonNullable<History['events']>[number]): string | undefined {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  try {
    const type = (JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { activity_type?: string }).activity_type;
    return type ? `local activity ${type}` : undefined;
  } catch {
    return undefined;
  }
}

const EVENT_TYPE_NAMES = Object.fromEntries(Object.entries(temporal.api.enums.v1.EventType).map(([k, v]) => [v, k])) as Record<number, string>;

/** EVENT_TYPE_ACTIVITY_TASK_SCHEDULED → ActivityTaskScheduled */
function eventTypeName(type: number | string): string {
  const constant = typeof type === 'string' ? type : (EVENT_TYPE_NAMES[type] ?? String(type));
  return constant.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s: string, c: string) => c.toUpperCase());
}

/**
 * Bundles other workflow code to replay against: a workflows module, or a directory with an
 * `index.ts` (and, if present, an `interceptors.ts` registered as workflow interceptors). This is how
 * a change is checked against recorded histories before it is deployed, and how the guard test
 * replays against a deliberately changed workflow.
 */
export async function bundleWorkflows(location: string): Promise<WorkflowBundle> {
  const dir = existsSync(location) && statSync(location).isDirectory() ? location : undefined;
  const workflowsPath = path.resolve(dir ? path.join(dir, 'index.ts') : location);
  if (!existsSync(workflowsPath)) throw new Error(`no workflow code at ${workflowsPath}`);
  const interceptors = dir && existsSync(path.join(dir, 'interceptors.ts')) ? [path.resolve(dir, 'interceptors.ts')] : [];
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: interceptors, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });
  return { code };
}

/**
 * For processes that only replay (the CLI, tests): Temporal's runtime logs each replay worker
 * starting and stopping, Core warns about every nondeterminism it finds, and the worker logs a
 * workflow that cannot start (another workflow type) as an error with its stack: each is the
 * verdict itself, reported with the history's name. Keeps other errors only. Does nothing if the
 * process already has a runtime.
 */
export function quietReplayRuntime(): void {
  if (Runtime._instance) return;
  const stderr = new DefaultLogger('ERROR');
  const logger = new DefaultLogger('ERROR', (entry) => {
    if (entry.message === 'Failed to process Workflow Activation') return;
    stderr.log(entry.level, entry.message, entry.meta);
  });
  Runtime.install({ logger, telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
}
