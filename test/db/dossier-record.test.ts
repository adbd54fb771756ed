import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { findRecord, recordDossier, recordDossierChanges } from '../../db/dossier-record';
import { dossierTransitions, dossiers } from '../../db/schema';
import { summaryOf, type DossierState } from '../../domain/dossier-state';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { application } from '../support/fixtures';

const targets = [{ name: 'PGlite', url: undefined }, ...(process.env.TEST_DATABASE_URL ? [{ name: 'PostgreSQL', url: process.env.TEST_DATABASE_URL }] : [])];

const base = (reference: string): DossierState => ({
  reference,
  agencyCode: '000.00.01.H22',
  status: 'AWAITING_RECEIPT',
  procedure: RENEWAL_PROCEDURE,
  application: application(),
  submittedAt: '2026-03-02T01:00:00.000Z',
  verification: {},
  paused: false,
  late: false,
  steps: [],
  transitions: [
    { at: '2026-03-02T01:00:00.000Z', actor: { username: 'integrator', role: 'integrator' }, action: 'submit', from: null, to: 'SUBMITTED' },
    { at: '2026-03-02T01:00:01.000Z', actor: { username: 'system', role: 'system' }, action: 'verified', from: 'SUBMITTED', to: 'AWAITING_RECEIPT' },
  ],
});

describe.each(targets)('the dossier record on $name', ({ url }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ url });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('writes the state and the slip once, however often the activity is retried', async () => {
    const reference = `SUB-REC-${Math.random().toString(36).slice(2)}`;
    const state = base(reference);
    await recordDossier(handle.db, state, 3);
    await recordDossier(handle.db, state, 3);
    const rows = await handle.db.select().from(dossierTransitions).where(eq(dossierTransitions.reference, reference));
    expect(rows.map((r) => r.toStatus)).toEqual(['SUBMITTED', 'AWAITING_RECEIPT']);
    const [row] = await handle.db.select().from(dossiers).where(eq(dossiers.reference, reference));
    expect(row).toMatchObject({ status: 'AWAITING_RECEIPT', portalStatus: 1, revision: 3, citizenId: state.application.applicant.citizenId });
    expect((await findRecord(handle.db, { reference }))?.state).toEqual(state);
  });

  it('never lets an older revision overwrite a newer one', async () => {
    const reference = `SUB-REC-${Math.random().toString(36).slice(2)}`;
    const newer: DossierState = {
      ...base(reference),
      status: 'RECEIVED',
      code: `000.00.01.H22-260302-${String(Math.floor(Math.random() * 9000) + 1000)}`,
      transitions: [
        ...base(reference).transitions,
        { at: '2026-03-02T02:00:00.000Z', actor: { username: 'motcua', role: 'one_stop_officer' }, action: 'receive', from: 'AWAITING_RECEIPT', to: 'RECEIVED' },
      ],
    };
    await recordDossier(handle.db, newer, 5);
    await recordDossier(handle.db, base(reference), 3);
    const [row] = await handle.db.select().from(dossiers).where(eq(dossiers.reference, reference));
    expect(row).toMatchObject({ status: 'RECEIVED', revision: 5, code: newer.code });
  });

  it('takes the changes one write at a time and reads the whole dossier back: summary, application and slip', async () => {
    const reference = `SUB-REC-${Math.random().toString(36).slice(2)}`;
    const first = base(reference);
    const withSeq = (s: DossierState, from: number) => s.transitions.slice(from).map((t, i) => ({ ...t, seq: from + i }));
    await recordDossierChanges(handle.db, { reference, revision: 2, summary: summaryOf(first), transitions: withSeq(first, 0), application: first.application });
    const received: DossierState = {
      ...first,
      status: 'RECEIVED',
      code: `000.00.01.H22-260302-${String(Math.floor(Math.random() * 9000) + 1000)}`,
      transitions: [...first.transitions, { at: '2026-03-02T02:00:00.000Z', actor: { username: 'motcua', role: 'one_stop_officer' }, action: 'receive', from: 'AWAITING_RECEIPT', to: 'RECEIVED', note: 'đủ' }],
    };
    const second = { reference, revision: 4, summary: summaryOf(received), transitions: withSeq(received, 2) };
    await recordDossierChanges(handle.db, second);
    await recordDossierChanges(handle.db, second);
    // An older write arriving late changes nothing.
    await recordDossierChanges(handle.db, { reference, revision: 2, summary: summaryOf(first), transitions: [] });
    const record = await findRecord(handle.db, { code: received.code! });
    expect(record).toMatchObject({ reference, revision: 4 });
    expect(record!.state).toEqual(received);
    // The summary column holds no copy of the application or the slip.
    const [row] = await handle.db.select({ state: dossiers.state, citizenId: dossiers.citizenId }).from(dossiers).where(eq(dossiers.reference, reference));
    expect(row!.citizenId).toBe(first.application.applicant.citizenId);
    expect(JSON.stringify(row!.state)).not.toContain(first.application.applicant.citizenId);
    expect(row!.state).not.toHaveProperty('transitions');
    // A transition written again (a step re-run after a crash) takes the values of the later write.
    const rerun = { ...second, transitions: [{ ...second.transitions[0]!, at: '2026-03-02T02:00:05.000Z' }] };
    await recordDossierChanges(handle.db, rerun);
    expect((await findRecord(handle.db, { reference }))!.state!.transitions[2]!.at).toBe('2026-03-02T02:00:05.000Z');
  });
});
