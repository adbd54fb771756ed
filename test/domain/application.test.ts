import { describe, expect, it } from 'vitest';
import { applicationSchema } from '../../domain/application';
import { application } from '../support/fixtures';

const issuesOf = (value: unknown) => {
  const r = applicationSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('the application schema', () => {
  it('accepts a complete application', () => {
    expect(issuesOf(application())).toEqual([]);
  });

  it('names the field that is wrong', () => {
    const a = application();
    expect(issuesOf({ ...a, applicant: { ...a.applicant, citizenId: '0123456789' } })).toEqual(['applicant.citizenId']);
    expect(issuesOf({ ...a, agencyCode: 'H22' })).toEqual(['agencyCode']);
    expect(issuesOf({ ...a, licence: { ...a.licence, expiresOn: '2010-01-01' } })).toEqual(['licence.expiresOn']);
    expect(issuesOf({ ...a, delivery: { method: 'post' } })).toEqual(['delivery.address']);
    expect(issuesOf({ ...a, licence: { ...a.licence, issuedOn: '2016-02-30' } })).toEqual(['licence.issuedOn']);
  });

  it('requires a health certificate except for classes A1, A and B1', () => {
    const { healthCertificateId: _, ...without } = application();
    expect(issuesOf(without)).toEqual(['healthCertificateId']);
    expect(issuesOf({ ...without, licence: { ...without.licence, class: 'A1' } })).toEqual([]);
  });
});
