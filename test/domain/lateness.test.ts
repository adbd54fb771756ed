import { describe, expect, it } from 'vitest';
import { isLate } from '../../domain/lateness';

const due = '2026-03-02T10:00:00+07:00';
const after = Date.parse('2026-03-03T10:00:00+07:00');
const before = Date.parse('2026-03-01T10:00:00+07:00');

describe('lateness, the one rule of every view', () => {
  it('is late past the appointment while the clock runs, and once the workflow said so', () => {
    expect(isLate({ late: false, status: 'IN_APPRAISAL', dueAt: due }, after)).toBe(true);
    expect(isLate({ late: false, status: 'IN_APPRAISAL', dueAt: due }, before)).toBe(false);
    expect(isLate({ late: true, status: 'AWAITING_SUPPLEMENT', dueAt: due }, before)).toBe(true);
  });

  it('is not late for a frozen appointment that passed during a supplement pause, nor once the result is ready', () => {
    // The public page used to say "late" and "paused" at once here, while staff saw the dossier on time.
    expect(isLate({ late: false, status: 'AWAITING_SUPPLEMENT', dueAt: due }, after)).toBe(false);
    expect(isLate({ late: false, status: 'RESULT_READY', dueAt: due }, after)).toBe(false);
    expect(isLate({ late: false, status: 'RECEIVED', dueAt: null }, after)).toBe(false);
  });
});
