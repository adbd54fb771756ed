import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TEXTS_VI, REFUSALS, errorTextVi, transitionTextVi } from '../../domain/messages';
import { FINDINGS, findingsOf } from '../../domain/verification-findings';

const ROOT = path.resolve(__dirname, '..', '..');
const sources = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(ROOT, dir, e.name)] : [],
  );

/** English words that would give away an untranslated text (proper names and codes are not in it). */
const ENGLISH = /\b(the|is|not|of|and|or|for|cannot|dossier|agency|payment|must|already|only|by|please)\b/i;

describe('the message catalogue', () => {
  it('has a Vietnamese text for every error code the API throws', () => {
    const codes = new Set<string>();
    for (const file of [...sources('api'), ...sources('webhooks')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/HttpError\(\s*\d{3},\s*'([A-Z_]+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(20);
    const missing = [...codes].filter((c) => !ERROR_TEXTS_VI[c]);
    expect(missing, 'codes without a Vietnamese text in domain/messages.ts').toEqual([]);
    for (const text of Object.values(ERROR_TEXTS_VI)) expect(text).not.toMatch(ENGLISH);
  });

  it('gives every refusal of the state machine in both languages, the Vietnamese one free of English', () => {
    const samples = [
      REFUSALS.wrongRole('approve', ['leader'], ['accountant']),
      REFUSALS.wrongState('approve', 'AWAITING_PAYMENT'),
      REFUSALS.closed('DELIVERED'),
      REFUSALS.otherAgency('000.00.01.H22'),
      REFUSALS.receivedInFuture(),
      REFUSALS.oneSupplementOnly(),
      REFUSALS.alreadyAssigned('thamdinh'),
      REFUSALS.notTheAppraiser(undefined),
      REFUSALS.verificationOwed(true, true, '2026-03-02T03:00:00.000Z'),
      REFUSALS.paymentRole('online', 'integrator'),
      REFUSALS.wrongAmount(135000, 100000),
      REFUSALS.collectAtCounter(),
      REFUSALS.deliveryFailed(),
      REFUSALS.foreignTracking('EB123'),
      REFUSALS.nothingToRecheck(),
      REFUSALS.rescheduledOnce(),
      REFUSALS.noApologyDue(),
      REFUSALS.notLater(),
    ];
    for (const m of samples) {
      expect(m.en.length).toBeGreaterThan(10);
      expect(m.vi, m.en).not.toMatch(ENGLISH);
      expect(m.vi).not.toMatch(/AWAITING_|IN_APPRAISAL|DELIVERED|approve\b/);
    }
    expect(REFUSALS.wrongState('approve', 'AWAITING_PAYMENT').vi).toBe('Không thể “Phê duyệt” khi hồ sơ đang ở trạng thái “Chờ nộp lệ phí”.');
    expect(REFUSALS.wrongAmount(135000, 100000).vi).toBe('Lệ phí là 135.000 đồng, khoản nộp ghi 100.000 đồng.');
    // Office time, as people read it: 03:00 UTC is 10:00 in Hà Nội.
    expect(REFUSALS.verificationOwed(true, false, '2026-03-02T03:00:00.000Z').vi).toContain('lúc 10:00 02/03/2026');
  });

  it('falls back to the code’s text, then the status’s, and names a wrong field', () => {
    expect(errorTextVi('VALIDATION_FAILED', 400, 'items.0.name')).toBe('Mục “Giấy tờ cần bổ sung” chưa hợp lệ; vui lòng kiểm tra lại.');
    expect(errorTextVi('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).toBe('Dữ liệu gửi lên phải ở dạng JSON.');
    expect(errorTextVi('SOMETHING_NEW', 503)).toBe(ERROR_TEXTS_VI.INTERNAL);
  });

  it('writes a history line from its facts, in Vietnamese, for new transitions and old ones alike', () => {
    const officer = { username: 'lanhdao', role: 'leader' as const };
    const system = { username: 'system', role: 'system' as const };
    expect(transitionTextVi({ action: 'assign', actor: officer, note: 'assigned to thamdinh2', facts: { appraiser: 'thamdinh2', previousAppraiser: 'thamdinh' } })).toBe('Phân công lại từ thamdinh cho thamdinh2');
    // Recorded before facts existed: the workflow's own note is read, never shown.
    expect(transitionTextVi({ action: 'assign', actor: officer, note: 'assigned to thamdinh' })).toBe('Phân công cho thamdinh');
    expect(transitionTextVi({ action: 'record-payment', actor: officer, note: 'counter BL-01' })).toBe('Nộp lệ phí tại quầy, mã giao dịch BL-01');
    const moved = { from: '2026-03-09T02:00:00.000Z', to: '2026-03-10T02:00:00.000Z' };
    expect(transitionTextVi({ action: 'deadline-moved', actor: system, note: 'appointment moved from … because …', facts: { ...moved, cause: 'calendar' } })).toBe(
      'Ngày hẹn chuyển từ 09:00 09/03/2026 sang 09:00 10/03/2026 do lịch làm việc thay đổi',
    );
    expect(transitionTextVi({ action: 'deadline-moved', actor: system, facts: { ...moved, cause: 'reschedule', reason: 'Chờ phôi giấy phép' } })).toBe(
      'Ngày hẹn chuyển từ 09:00 09/03/2026 sang 09:00 10/03/2026: lãnh đạo hẹn lại (Chờ phôi giấy phép)',
    );
    // Recorded before the cause was kept: no reason is made up.
    expect(transitionTextVi({ action: 'deadline-moved', actor: system, facts: moved })).toBe('Ngày hẹn chuyển từ 09:00 09/03/2026 sang 09:00 10/03/2026');
    expect(transitionTextVi({ action: 'receive', actor: { username: 'motcua', role: 'one_stop_officer' }, note: 'received on paper at 2026-03-02T08:00:00+07:00', facts: { onPaperAt: '2026-03-02T01:00:00.000Z' } })).toBe(
      'Tiếp nhận hồ sơ (nhận bản giấy lúc 08:00 02/03/2026)',
    );
    expect(transitionTextVi({ action: 'receive', actor: { username: 'motcua', role: 'one_stop_officer' }, note: 'received on paper at 2026-03-02T08:00:00+07:00' })).toBe('Tiếp nhận hồ sơ');
    expect(transitionTextVi({ action: 'late', actor: system, note: 'the appointment … has passed without a result' })).toBe('Hồ sơ đã quá hạn');
    expect(transitionTextVi({ action: 'refuse', actor: { username: 'motcua', role: 'one_stop_officer' }, facts: { reasons: ['Chưa chấp hành quyết định xử phạt'] } })).toBe('Từ chối tiếp nhận: Chưa chấp hành quyết định xử phạt');
    for (const line of [
      transitionTextVi({ action: 'confirm-delivery', actor: { username: 'integrator', role: 'integrator' }, note: 'delivery failed: not at home' }),
      transitionTextVi({ action: 'hand-over', actor: officer, note: 'handed over at the counter' }),
      transitionTextVi({ action: 'time-limit', actor: system, note: 'the fee was not paid by …' }),
    ]) expect(line).not.toMatch(ENGLISH);
  });
});

describe('verification findings', () => {
  it('lists what the registries found, most serious first, each with what it means for the officer', () => {
    const codes = findingsOf({
      health: { outcome: 'problem', issues: ['NO_CERTIFICATE'], checkedAt: '2026-03-02T02:00:00Z' },
      licence: { outcome: 'problem', issues: ['UNRESOLVED_VIOLATION'], flags: ['ZERO_POINTS'], unresolvedViolations: [], checkedAt: '2026-03-02T02:00:00Z' },
    });
    expect(codes).toEqual(['UNRESOLVED_VIOLATION', 'NO_CERTIFICATE', 'ZERO_POINTS']);
    expect(findingsOf({ health: { outcome: 'unavailable', issues: [], checkedAt: '2026-03-02T02:00:00Z' } })).toEqual(['HEALTH_UNCHECKED']);
    expect(findingsOf({})).toEqual([]);
    for (const f of Object.values(FINDINGS)) {
      expect(f.label).not.toMatch(ENGLISH);
      expect(f.advice).not.toMatch(ENGLISH);
    }
  });
});
