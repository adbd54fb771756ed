import { describe, expect, it } from 'vitest';
import { escapeUnstorable, firstUnstorable, isStorable } from '../../domain/storable-text';

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, and keeps paired ones (emoji, rare CJK) and Vietnamese', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\ud83d']) expect(isStorable(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['Nguyễn Văn An', '😀 ok', '𠀋', 'tab\tand\nnewline']) expect(isStorable(good), good).toBe(true);
  });

  it('escapes what it cannot store, so the value stays readable', () => {
    expect(escapeUnstorable('ad\u0000min\ud800')).toBe('ad\\u0000min\\ud800');
    expect(escapeUnstorable('😀')).toBe('😀');
  });

  it('names where in a request the first unstorable string is', () => {
    expect(firstUnstorable({ applicant: { fullName: 'An', address: 'x\u0000' } })).toEqual(['applicant', 'address']);
    expect(firstUnstorable({ items: [{ name: 'ok' }, { name: '\udfff' }] })).toEqual(['items', '1', 'name']);
    expect(firstUnstorable({ ['k\u0000']: 1 })).toEqual(['k\\u0000']);
    expect(firstUnstorable({ fine: ['a', 1, null] })).toBeUndefined();
  });
});
