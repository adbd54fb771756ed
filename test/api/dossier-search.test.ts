import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import type { DossierState } from '../../domain/dossier-state';
import { DOSSIER_STATUSES, isTerminal } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { Caller, buildTestApp, type DossierBody } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let app: FastifyInstance;
let officer: Caller, supervisor: Caller;
const seeded: DossierState[] = [];

/** 40 recorded dossiers in two agencies, every state, some late, some without a deadline yet. */
function dossier(i: number): DossierState {
  const status = DOSSIER_STATUSES[i % DOSSIER_STATUSES.length]!;
  const received = i % 5 !== 0;
  const app = { ...application({ citizenSuffix: String(5000 + i) }), agencyCode: i % 4 === 3 ? '000.00.02.H22' : '000.00.01.H22' };
  return {
    reference: `SUB-SEARCH${String(i).padStart(20, '0')}`,
    agencyCode: app.agencyCode,
    status,
    procedure: RENEWAL_PROCEDURE,
    application: app,
    submittedAt: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
    ...(received ? { receivedAt: new Date(Date.UTC(2026, 2, 1, 1, i)).toISOString(), dueAt: new Date(Date.UTC(2026, 2, 8, 1, (i * 7) % 40)).toISOString() } : {}),
    verification: {},
    paused: false,
    late: i % 6 === 0,
    steps: [],
    assignee: i % 3 === 0 ? 'thamdinh' : undefined,
    closedAt: isTerminal(status) ? new Date(Date.UTC(2026, 2, 9)).toISOString() : undefined,
    transitions: [],
  };
}

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  [officer, supervisor] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'giamsat')]);
  for (let i = 0; i < 40; i++) {
    seeded.push(dossier(i));
    await recordDossier(stack.database.db, seeded[i]!, 1);
  }
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const mine = () => seeded.filter((d) => d.agencyCode === '000.00.01.H22');
const search = (caller: Caller, query: string) => caller.request('GET', `/api/v1/dossiers?${query}`);

async function all(caller: Caller, query: string): Promise<DossierBody[]> {
  const items: DossierBody[] = [];
  let cursor: string | null = null;
  do {
    const res = await search(caller, `${query}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    items.push(...res.json().items);
    cursor = res.json().nextCursor;
  } while (cursor);
  return items;
}

describe('searching the dossier record', () => {
  it('pages through everything in the caller agency exactly once, in order', async () => {
    const byDue = await all(officer, 'sort=dueAt&order=asc');
    expect(byDue.map((d) => d.reference).sort()).toEqual(mine().map((d) => d.reference).sort());
    const due = byDue.map((d) => d.dueAt);
    const withDue = due.filter((d) => d !== null);
    expect(withDue).toEqual([...withDue].sort());
    expect(due.slice(withDue.length).every((d) => d === null)).toBe(true);
    const bySubmission = await all(officer, 'sort=submittedAt&order=desc');
    expect(bySubmission.map((d) => d.submittedAt)).toEqual(mine().map((d) => d.submittedAt).sort().reverse());
  });

  it('filters by state, lateness, assignee, deadline and receipt', async () => {
    const late = await all(officer, 'late=true');
    expect(late.map((d) => d.reference).sort()).toEqual(mine().filter((d) => d.late).map((d) => d.reference).sort());
    const states = await all(officer, 'status=RECEIVED,IN_APPRAISAL');
    expect(states.every((d) => ['RECEIVED', 'IN_APPRAISAL'].includes(d.status))).toBe(true);
    expect(states).toHaveLength(mine().filter((d) => ['RECEIVED', 'IN_APPRAISAL'].includes(d.status)).length);
    expect(await all(officer, 'assignee=thamdinh')).toHaveLength(mine().filter((d) => d.assignee === 'thamdinh').length);
    const cutoff = '2026-03-08T01:20:00Z';
    expect(await all(officer, `dueBefore=${cutoff}`)).toHaveLength(mine().filter((d) => d.dueAt && d.dueAt < new Date(cutoff).toISOString()).length);
    expect(await all(officer, 'open=false')).toHaveLength(mine().filter((d) => d.closedAt).length);
    const received = await all(officer, 'receivedFrom=2026-03-01T01:10:00Z&receivedTo=2026-03-01T01:20:00Z');
    expect(received).toHaveLength(mine().filter((d) => d.receivedAt && d.receivedAt >= '2026-03-01T01:10:00.000Z' && d.receivedAt <= '2026-03-01T01:20:00.000Z').length);
  });

  it('finds by citizen ID only for roles that see personal data, and masks it for the others', async () => {
    const target = mine()[4]!;
    const found = await all(officer, `citizenId=${target.application.applicant.citizenId}`);
    expect(found.map((d) => d.reference)).toEqual([target.reference]);
    expect(found[0]!.applicant.citizenId).toBe(target.application.applicant.citizenId);
    const refused = await search(supervisor, `citizenId=${target.application.applicant.citizenId}`);
    expect(refused.statusCode).toBe(403);
    const masked = (await search(supervisor, 'limit=1')).json().items[0];
    expect(masked.applicant.citizenId).toMatch(/^\*{8}\d{4}$/);
  });

  it('keeps each agency to its own dossiers and rejects bad queries', async () => {
    expect((await search(officer, 'agency=000.00.02.H22')).statusCode).toBe(403);
    expect((await search(officer, 'status=LOST')).json().error).toMatchObject({ status: 400, field: 'status.0' });
    expect((await search(officer, 'cursor=nonsense')).json().error).toMatchObject({ status: 400, field: 'cursor' });
    expect((await search(officer, 'dueBefore=tomorrow')).json().error).toMatchObject({ status: 400, field: 'dueBefore' });
    const first = (await search(officer, 'sort=dueAt&limit=2')).json().nextCursor;
    expect((await search(officer, `sort=receivedAt&cursor=${first}`)).json().error).toMatchObject({ status: 400, field: 'cursor' });
    expect((await Caller.integrator(app).request('GET', '/api/v1/dossiers')).statusCode).toBe(403);
  });
});
