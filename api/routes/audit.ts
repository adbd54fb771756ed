import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { ArchiveIntegrityError, dossierForAudit } from '../../db/history-archive';
import { isDossierCode, REFERENCE_PATTERN } from '../../domain/dossier-code';
import type { Actor } from '../../domain/roles';
import { serviceDataConverter } from '../../temporal/data-converter';
import type { PayloadKeyring } from '../../temporal/payload-keys';
import { workerBuildId } from '../../temporal/workflow-bundle';
import { loadDossierHistory, type DossierHistory } from '../../audit/dossier-history';
import { HistoryFormatError, buildIdsOf, historyFromJSON, historyHash, historyToJSON, type History } from '../../audit/history-json';
import { replayHistory, type ReplayReport } from '../../audit/replay';
import { actorOf } from '../auth/plugin';
import { coversAgency, dossierInScope } from '../auth/scope';
import { reconcileTransitions } from '../../db/transition-reconcile';
import { HttpError, notFound } from '../errors';

const AUDITORS = ['auditor', 'admin'] as const;

/** Temporal caps a history at 51,200 events; nothing longer is a real one. */
const MAX_EVENTS = 51_200;
/** A long dossier's history is a few megabytes of JSON; the app's default 256 KB is for everything else. */
const REPLAY_BODY_LIMIT = 32 * 1024 * 1024;
/** Replays run on the API's own threads: a few at a time, and a bounded queue behind them. */
const MAX_CONCURRENT_REPLAYS = 2;
const MAX_QUEUED_REPLAYS = 8;

const idSchema = z.string().min(1).max(64).describe('a dossier code, or a submission reference');

const transitionSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.object({ username: z.string(), role: z.string() }),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  note: z.string().optional(),
});

const replayResponse = z.object({
  verdict: z.enum(['deterministic', 'nondeterministic', 'failed']),
  deterministic: z.boolean(),
  source: z.enum(['temporal', 'archive', 'request']),
  reference: z.string().optional(),
  code: z.string().optional(),
  workflowId: z.string().optional(),
  runId: z.string().optional(),
  sha256: z.string(),
  events: z.number().int(),
  closed: z.boolean(),
  workerBuildId: z.string().optional().describe('the build that ran the dossier (completed its last workflow task)'),
  workerBuildIds: z.array(z.string()),
  archivedAt: z.string().optional(),
  replayedWith: z.string().describe('the build id of the workflow code this replay ran'),
  divergence: z
    .object({
      message: z.string(),
      eventId: z.number().int().optional(),
      eventType: z.string().optional(),
      eventDetail: z.string().optional(),
      eventTime: z.string().optional(),
      command: z.string().optional(),
    })
    .optional()
    .describe('where the current code parted from the history (nondeterministic), or why it could not replay (failed)'),
  timeline: z.array(transitionSchema).describe('each transition as the replayed code appended it, with actor and time'),
  durationMs: z.number(),
});

const replayBody = z
  .object({
    code: idSchema.optional(),
    history: z
      .object({ events: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_EVENTS) })
      .loose()
      .optional()
      .describe('a history as `temporal workflow show --output json` prints it, or as GET /dossiers/{code}/history returns it'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.code === undefined) === (body.history === undefined)) {
      ctx.addIssue({ code: 'custom', path: body.code === undefined ? ['code'] : ['history'], message: 'send either code or history, not both and not neither' });
    }
  });

/** A tiny semaphore: replays beyond the limit wait their turn, and beyond the queue are told to come back. */
function limiter(max: number, queue: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= max) {
      if (waiting.length >= queue) throw new HttpError(503, 'BUSY', 'too many replays in progress; retry shortly');
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Auditors read a dossier's Temporal event history and replay histories against the workflow code
 * this service runs. Histories come from Temporal while it keeps the workflow, from the archive
 * (workflow_histories) after it has forgotten it.
 */
export const auditRoutes: FastifyPluginAsyncZod<{ client: Client; db: Database; keyring: PayloadKeyring }> = async (app, { client, db, keyring }) => {
  const limit = limiter(MAX_CONCURRENT_REPLAYS, MAX_QUEUED_REPLAYS);
  const dataConverter = serviceDataConverter(keyring);

  /** The dossier, if it exists and the actor's scope covers it; another agency's is not shown to exist (404). */
  async function dossierFor(actor: Actor, id: string) {
    const byCode = isDossierCode(id);
    if (!byCode && !REFERENCE_PATTERN.test(id)) throw notFound(`dossier ${id}`);
    const dossier = await dossierForAudit(db, byCode ? { code: id } : { reference: id });
    if (!dossier) throw notFound(`dossier ${id}`);
    const inScope = dossier.state ? await dossierInScope(app.accounts, actor, dossier.state) : coversAgency(actor, dossier.agencyCode);
    if (!inScope) throw notFound(`dossier ${id}`);
    return dossier;
  }

  async function historyOf(actor: Actor, id: string): Promise<DossierHistory & { code?: string }> {
    const dossier = await dossierFor(actor, id);
    let found: DossierHistory | undefined;
    try {
      found = await loadDossierHistory({ client, db }, dossier.reference);
    } catch (err) {
      if (err instanceof ArchiveIntegrityError) throw new HttpError(500, 'ARCHIVE_INTEGRITY', err.message);
      throw err;
    }
    if (!found) throw new HttpError(404, 'HISTORY_NOT_FOUND', `Temporal no longer has the workflow of dossier ${id}, and its history was not archived`);
    return { ...found, code: dossier.code ?? undefined };
  }

  app.get(
    '/dossiers/:code/history',
    {
      onRequest: app.requireActor(AUDITORS),
      schema: {
        tags: ['audit'],
        summary: "A dossier's full Temporal event history, as `temporal workflow show --output json` prints it (auditors)",
        description:
          'The body is the history itself, ready for any replayer. Headers say where it came from: `X-History-Source` ' +
          '(`temporal` while Temporal keeps the workflow, `archive` after), `X-History-Sha256` (sha256 of its canonical JSON), ' +
          '`X-History-Events`, `X-Worker-Build-Id` (the build that ran it) and, for an archived one, `X-History-Archived-At`.',
        security: [{ bearer: [] }],
        params: z.object({ code: idSchema }),
        response: { 200: z.object({ events: z.array(z.record(z.string(), z.unknown())) }).describe('the history') },
      },
    },
    async (request, reply) => {
      const found = await historyOf(actorOf(request), request.params.code);
      void reply
        .header('x-history-source', found.source)
        .header('x-history-sha256', found.sha256)
        .header('x-history-events', String(found.events))
        .header('content-disposition', `inline; filename="${(found.code ?? found.reference).replace(/[^\w.-]/g, '_')}.history.json"`)
        .type('application/json; charset=utf-8');
      if (found.workerBuildId) void reply.header('x-worker-build-id', found.workerBuildId);
      if (found.archivedAt) void reply.header('x-history-archived-at', found.archivedAt);
      // Already JSON text, in the CLI's layout (the schema above documents it; nothing re-serialises it).
      return reply.serializer((text) => text as string).send(historyToJSON(found.history) as unknown as { events: Record<string, unknown>[] });
    },
  );

  app.post(
    '/audit/replay',
    {
      onRequest: app.requireActor(AUDITORS),
      bodyLimit: REPLAY_BODY_LIMIT,
      schema: {
        tags: ['audit'],
        summary: 'Replay a history (posted, or a dossier\'s by code) against the current workflow code: a verdict and the timeline it rebuilt',
        description:
          'Body: `{ "code": "<dossier code or reference>" }` or `{ "history": <a history as JSON> }`. The verdict is `deterministic` ' +
          '(the current code makes exactly the commands the history recorded), `nondeterministic` (with where it diverged: the event ' +
          'and the command the code made instead) or `failed` (the history could not be replayed at all). The timeline is rebuilt by ' +
          'the replay itself: each transition the code appended while replaying, with actor and time.',
        security: [{ bearer: [] }],
        body: replayBody,
        response: { 200: replayResponse },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      let history: History;
      let meta: Omit<z.infer<typeof replayResponse>, 'verdict' | 'deterministic' | 'divergence' | 'timeline' | 'durationMs' | 'replayedWith'>;
      if (request.body.code !== undefined) {
        const found = await historyOf(actor, request.body.code);
        history = found.history;
        meta = {
          source: found.source,
          reference: found.reference,
          code: found.code,
          workflowId: found.workflowId,
          runId: found.runId,
          sha256: found.sha256,
          events: found.events,
          closed: found.closed,
          workerBuildId: found.workerBuildId,
          workerBuildIds: found.workerBuildIds,
          archivedAt: found.archivedAt,
        };
      } else {
        try {
          history = historyFromJSON(request.body.history);
        } catch (err) {
          if (err instanceof HistoryFormatError) throw new HttpError(400, 'VALIDATION_FAILED', `${err.field}: ${err.message}`, err.field);
          throw err;
        }
        meta = { source: 'request', sha256: historyHash(history), events: history.events?.length ?? 0, closed: false, workerBuildIds: [] };
      }
      const report: ReplayReport = await limit(() => replayHistory({ label: meta.code ?? meta.reference ?? 'request', history }, { dataConverter }));
      // An auditor never sees two versions of a step: where the record differs from the replay, the history wins.
      if (meta.source !== 'request' && meta.reference && report.verdict === 'deterministic') {
        const corrected = await reconcileTransitions(db, meta.reference, report.timeline);
        if (corrected) request.log.warn({ reference: meta.reference, corrected }, 'recorded transitions differed from the history; set to the replay');
      }
      const builds = meta.source === 'request' ? buildIdsOf(history) : meta.workerBuildIds;
      return {
        ...meta,
        workflowId: meta.workflowId ?? report.workflowId,
        runId: meta.runId ?? report.runId,
        closed: report.closed,
        workerBuildIds: builds,
        workerBuildId: meta.workerBuildId ?? builds.at(-1),
        verdict: report.verdict,
        deterministic: report.verdict === 'deterministic',
        replayedWith: await workerBuildId(),
        ...(report.divergence ? { divergence: report.divergence } : {}),
        timeline: report.timeline.map((t) => ({ ...t, actor: { username: t.actor.username, role: t.actor.role } })),
        durationMs: report.durationMs,
      };
    },
  );
};
