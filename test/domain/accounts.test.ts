import { describe, expect, it } from 'vitest';
import { apiKeyRefusal, manageRefusal } from '../../domain/account-admin';
import { scopeFilterOf, workedOnBy } from '../../domain/data-scope';
import { passwordProblems } from '../../domain/password-policy';
import { nextUsername, usernameBase, usernameSequence } from '../../domain/username';

describe('usernames from full names', () => {
  it('drops diacritics, spaces and case', () => {
    expect(usernameBase('Nguyễn Văn A')).toBe('nguyenvana');
    expect(usernameBase('  Trần   Thị Bích  ')).toBe('tranthibich');
  });

  it('maps đ and Đ, which Unicode does not decompose, to d', () => {
    expect(usernameBase('Đặng Đình Đức')).toBe('dangdinhduc');
    expect(usernameBase('Đỗ Thị Đào')).toBe('dothidao');
  });

  it('strips the horn of ư and ơ and every tone mark', () => {
    expect(usernameBase('Trương Thị Hương')).toBe('truongthihuong');
    expect(usernameBase('Phạm Ngọc Thơ')).toBe('phamngoctho');
    expect(usernameBase('Lưu Ưng Ước')).toBe('luuunguoc');
    expect(usernameBase('Vũ Quỳnh Ảnh Ỷ Ễ Ộ Ữ Ợ')).toBe('vuquynhanhyeouo');
    // The same name typed precomposed (NFC) or decomposed (NFD) gives the same username.
    expect(usernameBase('Nguyễn Văn A'.normalize('NFD'))).toBe('nguyenvana');
  });

  it('keeps letters only', () => {
    expect(usernameBase("Lê-Văn O'Brien 2")).toBe('levanobrien');
    expect(usernameBase('123 !!')).toBe('');
  });

  it('adds a two-digit sequence on collision, one past the highest in use', () => {
    expect(nextUsername('nguyenvana', [])).toBe('nguyenvana');
    expect(nextUsername('nguyenvana', ['nguyenvana'])).toBe('nguyenvana01');
    expect(nextUsername('nguyenvana', ['nguyenvana', 'nguyenvana01'])).toBe('nguyenvana02');
    expect(nextUsername('nguyenvana', ['nguyenvana', 'nguyenvana07'])).toBe('nguyenvana08');
    expect(nextUsername('nguyenvana', ['nguyenvana', ...Array.from({ length: 99 }, (_, i) => `nguyenvana${String(i + 1).padStart(2, '0')}`)])).toBe(
      'nguyenvana100',
    );
  });

  it('does not count names that only start with the same letters', () => {
    expect(usernameSequence('nguyenvana', 'nguyenvanan')).toBeUndefined();
    expect(usernameSequence('nguyenvana', 'nguyenvana1')).toBeUndefined();
    expect(nextUsername('nguyenvana', ['nguyenvanan', 'nguyenvananh01'])).toBe('nguyenvana');
  });
});

describe('password rules', () => {
  it('ask for ten characters of more than one kind, not the username, not the old password', () => {
    expect(passwordProblems('short1', { username: 'motcua' })).toContain('at least 10 characters');
    expect(passwordProblems('onlyletterslong', { username: 'motcua' })).toContain('at least one digit or symbol');
    expect(passwordProblems('xx-motcua-2026', { username: 'motcua' })).toContain('must not contain the username');
    expect(passwordProblems('Hoa-sen-2026', { username: 'motcua', current: 'Hoa-sen-2026' })).toContain('must differ from the current password');
    expect(passwordProblems('aaaaaaaaaa1', { username: 'motcua' })).toContain('at least 5 different characters');
    expect(passwordProblems('Mùa thu Hà Nội 2026', { username: 'motcua' })).toEqual([]);
  });
});

describe('who manages whom', () => {
  const national = { adminLevel: 1 as const, agencyCode: '000.00.01.H22' };
  const agencyAdmin = { adminLevel: 2 as const, agencyCode: '000.00.01.H22' };

  it('a level-1 admin manages every account, admins included', () => {
    expect(manageRefusal(national, { agencyCode: '000.00.02.H22', adminLevel: 2 })).toBeUndefined();
  });

  it('a level-2 admin manages non-admin accounts of its own agency only', () => {
    expect(manageRefusal(agencyAdmin, { agencyCode: '000.00.01.H22' })).toBeUndefined();
    expect(manageRefusal(agencyAdmin, { agencyCode: '000.00.02.H22' })).toMatch(/own agency/);
    expect(manageRefusal(agencyAdmin, { agencyCode: '000.00.01.H22', adminLevel: 2 })).toMatch(/level-1/);
    expect(apiKeyRefusal(agencyAdmin, ['000.00.01.H22'])).toBeUndefined();
    expect(apiKeyRefusal(agencyAdmin, ['*'])).toBeDefined();
    expect(apiKeyRefusal(national, ['*'])).toBeUndefined();
  });
});

describe('data scope', () => {
  const dossier = { assignee: 'thamdinh', transitions: [{ actor: { username: 'motcua' } }, { actor: { username: 'system' } }] };

  it('reads own as assigned to or acted on by the account, unit as any of its accounts', () => {
    expect(workedOnBy(dossier, new Set(['thamdinh']))).toBe(true);
    expect(workedOnBy(dossier, new Set(['motcua']))).toBe(true);
    expect(workedOnBy(dossier, new Set(['lanhdao']))).toBe(false);
    expect(workedOnBy(dossier, new Set(['lanhdao', 'thamdinh']))).toBe(true);
  });

  it('falls back to own for a unit scope without a unit, and to the agency for integrators', () => {
    expect(scopeFilterOf({ username: 'a', roles: ['leader'], agencyCode: 'X', scope: 'unit', unit: null })).toEqual({ kind: 'own', username: 'a' });
    expect(scopeFilterOf({ username: 'a', roles: ['leader'], agencyCode: 'X', scope: 'unit', unit: 'MC' })).toEqual({ kind: 'unit', agencyCode: 'X', unit: 'MC' });
    expect(scopeFilterOf({ username: 'portal', roles: ['integrator'], agencyCode: '*' })).toEqual({ kind: 'agency' });
  });
});
