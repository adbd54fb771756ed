import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { temporal } from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * A workflow's event history as JSON, in the format `temporal workflow show --output json` prints
 * and the SDKs' replayers read (proto3 JSON: camelCase fields, enums by name, payloads in base64).
 *
 * This is the conversion of `historyToJSON`/`historyFromJSON` in `@temporalio/common/lib/proto-utils`,
 * bound to the protobufjs copy that built `@temporalio/proto`'s reflection root. npm installs a
 * separate protobufjs 8 under `@temporalio/common` (grpc's proto-loader keeps protobufjs 7 at the
 * top level), and protojson then refuses the root's types ("type must be a Type"): the SDK's own
 * functions throw in this install. Same algorithm, same output, the right instance.
 */

export type History = temporal.api.history.v1.IHistory;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface ProtoJson {
  toJson(type: unknown, message: unknown, options?: object): unknown;
  fromJson(type: unknown, json: unknown, options?: object): unknown;
}

const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const root = patchProtobufRoot(requireFromProto('@temporalio/proto') as Record<string, unknown>) as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');

/** Like the SDK: a history from a newer server may carry fields this one does not know. */
const PARSE_OPTIONS = { ignoreUnknownFields: true };

export class HistoryFormatError extends Error {
  constructor(
    message: string,
    /** Where in the JSON the problem is, e.g. `history.events.3.eventType`. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** The JSON text of a history, two-space indented like the CLI's. */
export function historyToJSON(history: History): string {
  return JSON.stringify(historyToObject(history), null, 2);
}

export function historyToObject(history: History): { events: Record<string, unknown>[] } {
  return protojson.toJson(historyType, temporal.api.history.v1.History.fromObject(history)) as { events: Record<string, unknown>[] };
}

function pascalToConstant(s: string): string {
  return s.replace(/[^\b][A-Z]/g, (m) => `${m[0]}_${m[1]}`).toUpperCase();
}

/** Older tools (tctl, the web UI's download) wrote enums without their prefix: `WorkflowExecutionStarted`. */
function fixEnum(obj: Record<string, unknown>, attr: string, prefix: string): Record<string, unknown> | undefined {
  const value = obj[attr];
  if (typeof value !== 'string') return undefined;
  return { [attr]: value.startsWith(prefix) ? value : `${prefix}_${pascalToConstant(value)}` };
}

function fixEvent(e: Record<string, unknown>, index: number): Record<string, unknown> {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new HistoryFormatError(`event ${index} has no …EventAttributes`, `history.events.${index}`);
  const attrs = e[key];
  if (typeof attrs !== 'object' || attrs === null) throw new HistoryFormatError(`event ${index}: ${key} must be an object`, `history.events.${index}.${key}`);
  const a = attrs as Record<string, unknown>;
  const taskQueue = a.taskQueue as Record<string, unknown> | undefined;
  const childFailure = a.childWorkflowExecutionFailureInfo as Record<string, unknown> | undefined;
  return {
    ...e,
    ...fixEnum(e, 'eventType', 'EVENT_TYPE'),
    [key]: {
      ...a,
      ...(taskQueue && typeof taskQueue === 'object' ? { taskQueue: { ...taskQueue, ...fixEnum(taskQueue, 'kind', 'TASK_QUEUE_KIND') } } : {}),
      ...fixEnum(a, 'parentClosePolicy', 'PARENT_CLOSE_POLICY'),
      ...fixEnum(a, 'workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'),
      ...fixEnum(a, 'initiator', 'CONTINUE_AS_NEW_INITIATOR'),
      ...fixEnum(a, 'retryState', 'RETRY_STATE'),
      ...(childFailure && typeof childFailure === 'object'
        ? { childWorkflowExecutionFailureInfo: { ...childFailure, ...fixEnum(childFailure, 'retryState', 'RETRY_STATE') } }
        : {}),
    },
  };
}

/**
 * A history from its JSON (parsed): what `temporal workflow show --output json` prints, what
 * {@link historyToJSON} writes, or what tctl and the web UI wrote. Throws {@link HistoryFormatError}
 * naming the field at fault.
 */
export function historyFromJSON(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new HistoryFormatError('a history is an object with an array of events', 'history.events');
  }
  const events = (json as { events: unknown[] }).events;
  if (events.length === 0) throw new HistoryFormatError('the history has no events', 'history.events');
  const fixed = events.map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new HistoryFormatError(`event ${i} must be an object`, `history.events.${i}`);
    return fixEvent(e as Record<string, unknown>, i);
  });
  let history: History;
  try {
    history = protojson.fromJson(historyType, { events: fixed }, PARSE_OPTIONS) as History;
  } catch (err) {
    throw new HistoryFormatError(`not a Temporal history: ${err instanceof Error ? err.message : String(err)}`, 'history');
  }
  checkShape(history);
  return history;
}

/** What replay needs of a history: events numbered 1, 2, 3… starting with the workflow's start. */
function checkShape(history: History): void {
  const events = history.events ?? [];
  events.forEach((e, i) => {
    if (Number(e.eventId) !== i + 1) throw new HistoryFormatError(`event ${i} has eventId ${String(e.eventId)}, expected ${i + 1}`, `history.events.${i}.eventId`);
    if (!e.eventType) throw new HistoryFormatError(`event ${i} has no eventType`, `history.events.${i}.eventType`);
  });
  const first = events[0]!;
  if (first.eventType !== temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED || !first.workflowExecutionStartedEventAttributes) {
    throw new HistoryFormatError('the first event must be WorkflowExecutionStarted', 'history.events.0.eventType');
  }
}

/**
 * The history as canonical JSON: its proto3 JSON with every object's keys sorted and no spaces.
 * Tools print protobuf maps in different orders (the Go CLI sorts them, protobufjs keeps insertion
 * order); the canonical text is the same whichever wrote the history, so its hash is too.
 */
export function canonicalHistoryJSON(history: History): string {
  return canonicalJSON(historyToObject(history));
}

export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJSON(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The content hash of a history: sha256 of {@link canonicalHistoryJSON}, hex. */
export function historyHash(history: History): string {
  return sha256(canonicalHistoryJSON(history));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const EVENT = temporal.api.enums.v1.EventType;

/** The workflow type, the workflow id and the run id a history belongs to, as far as it says. */
export function executionOf(history: History): { workflowType: string; workflowId?: string; runId?: string } {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return {
    workflowType: started?.workflowType?.name ?? '',
    workflowId: started?.workflowId || undefined,
    runId: started?.originalExecutionRunId || started?.firstExecutionRunId || undefined,
  };
}

/** Whether the history ends with the workflow closed (completed, failed, cancelled, terminated, timed out, continued). */
export function isClosed(history: History): boolean {
  const last = history.events?.at(-1)?.eventType;
  return (
    last === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
    last === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ||
    last === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ||
    last === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ||
    last === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ||
    last === EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
  );
}

/**
 * The worker builds that completed the history's workflow tasks, in order of first appearance:
 * the server stamps every WorkflowTaskCompleted event with the completing worker's build id
 * (`workerVersion.buildId`, `binaryChecksum` on older servers, or the deployment version).
 */
export function buildIdsOf(history: History): string[] {
  const ids = new Set<string>();
  for (const e of history.events ?? []) {
    const done = e.workflowTaskCompletedEventAttributes;
    if (!done) continue;
    const id = done.deploymentVersion?.buildId || done.workerVersion?.buildId || done.binaryChecksum || done.deployment?.buildId;
    if (id) ids.add(id);
  }
  return [...ids];
}
