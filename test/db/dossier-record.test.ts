import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { recordDossier, recordedState } from '../../db/dossier-record';
import { dossierTransitions, dossiers } from '../../db/schema';
import type { DossierState } from '../../domain/dossier-state';
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
    expect((await recordedState(handle.db, reference))?.status).toBe('AWAITING_RECEIPT');
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
});
