import { describe, expect, it } from 'vitest';
import { formatDossierCode, isDossierCode, parseDossierCode, vietnamDate } from '../../domain/dossier-code';

describe('dossier codes', () => {
  it('formats the agency, the local date of receipt and a four-digit sequence', () => {
    expect(formatDossierCode('000.00.01.H22', '2025-03-12', 1)).toBe('000.00.01.H22-250312-0001');
    expect(formatDossierCode('000.00.01.H22', '2025-03-12', 12345)).toBe('000.00.01.H22-250312-12345');
  });

  it('uses the date in Vietnam, not in UTC', () => {
    expect(vietnamDate(new Date('2026-02-12T16:59:59Z'))).toBe('2026-02-12');
    expect(vietnamDate(new Date('2026-02-12T17:00:00Z'))).toBe('2026-02-13');
  });

  it('parses what it formats and rejects anything else', () => {
    expect(parseDossierCode('000.00.01.H22-250312-0042')).toEqual({ agencyCode: '000.00.01.H22', yymmdd: '250312', sequence: 42 });
    expect(isDossierCode('000.00.01.H22-250312-42')).toBe(false);
    expect(isDossierCode('SUB-01J')).toBe(false);
    expect(() => formatDossierCode('000.00.01.H22', '2025-03-12', 0)).toThrow(RangeError);
  });
});
