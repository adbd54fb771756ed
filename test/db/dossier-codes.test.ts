import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { allocateDossierCode, referenceForCode } from '../../db/dossier-codes';
import { recordSubmission } from '../../db/submissions';
import { application } from '../support/fixtures';

/** Runs on PGlite always, and on a PostgreSQL server too when TEST_DATABASE_URL is set (CI). */
const targets = [{ name: 'PGlite', url: undefined }, ...(process.env.TEST_DATABASE_URL ? [{ name: 'PostgreSQL', url: process.env.TEST_DATABASE_URL }] : [])];

describe.each(targets)('dossier codes and submissions on $name', ({ url }) => {
  let handle: DatabaseHandle;
  const agency = `${String(Math.floor(Math.random() * 900) + 100)}.00.01.H22`;
  beforeAll(async () => {
    handle = await openDatabase({ url });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('never hands out the same number twice, even to concurrent receipts', async () => {
    const at = new Date('2026-03-12T03:00:00Z');
    const codes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => allocateDossierCode(handle.db, { reference: `REF-${agency}-${i}`, agencyCode: agency, receivedAt: at })),
    );
    expect(new Set(codes).size).toBe(30);
    expect(codes.map((c) => Number(c.slice(-4))).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(codes[0]).toMatch(new RegExp(`^${agency.replace(/\./g, '\\.')}-260312-\\d{4}$`));
  });

  it('gives a retried receipt the code it already has', async () => {
    const input = { reference: `REF-${agency}-retry`, agencyCode: agency, receivedAt: new Date('2026-03-13T03:00:00Z') };
    const first = await allocateDossierCode(handle.db, input);
    expect(await allocateDossierCode(handle.db, input)).toBe(first);
    expect(first.endsWith('-0001')).toBe(true);
    expect(await referenceForCode(handle.db, first)).toBe(input.reference);
  });

  it('restarts the sequence at local midnight', async () => {
    const late = await allocateDossierCode(handle.db, { reference: `REF-${agency}-late`, agencyCode: agency, receivedAt: new Date('2026-03-14T16:59:00Z') });
    const next = await allocateDossierCode(handle.db, { reference: `REF-${agency}-next`, agencyCode: agency, receivedAt: new Date('2026-03-14T17:01:00Z') });
    expect(late).toMatch(/-260314-0001$/);
    expect(next).toMatch(/-260315-0001$/);
  });

  it('records a submission once per externalRef, however many arrive together', async () => {
    const app = { ...application({ externalRef: `EXT-${agency}` }), agencyCode: agency };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => recordSubmission(handle.db, { reference: `SUB-${agency}-${i}`, application: app, submittedAt: new Date() })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.reference)).size).toBe(1);
  });
});
