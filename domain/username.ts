/**
 * Account names (SPEC 6): the full name without diacritics, lower case, letters only, plus a
 * two-digit sequence when the name is taken: `Nguyễn Văn A` → `nguyenvana`, then `nguyenvana01`,
 * `nguyenvana02`… Which sequence is free is decided by the database (db/accounts.ts): it holds the
 * unique index, and a losing concurrent insert retries with the next number.
 */

/** Long enough for any Vietnamese full name; leaves room for the sequence under the 64-character login limit. */
export const USERNAME_BASE_MAX = 48;

/**
 * `Nguyễn Văn A` → `nguyenvana`. NFD splits a letter from its tone and shape marks (ễ → e + ̂ + ̃,
 * ư → u + ̛), which are then dropped; đ/Đ are letters of their own in Unicode, not d plus a mark,
 * so they are mapped by hand. Anything that is not a-z afterwards (spaces, hyphens, digits) goes.
 */
export function usernameBase(fullName: string): string {
  return fullName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .slice(0, USERNAME_BASE_MAX);
}

/** The sequence a taken name carries: `nguyenvana` is 0, `nguyenvana07` is 7; undefined for another base. */
export function usernameSequence(base: string, username: string): number | undefined {
  if (username === base) return 0;
  if (!username.startsWith(base)) return undefined;
  const rest = username.slice(base.length);
  return /^\d{2,}$/.test(rest) ? Number(rest) : undefined;
}

export function usernameWithSequence(base: string, sequence: number): string {
  return sequence === 0 ? base : `${base}${String(sequence).padStart(2, '0')}`;
}

/**
 * The next name for `base` given the names already taken: the base itself when no name of that
 * base exists, otherwise one past the highest sequence in use (a gap left by a deleted account is
 * not filled, so a sequence is not handed out twice while a later one lives).
 */
export function nextUsername(base: string, taken: Iterable<string>): string {
  let highest = -1;
  for (const name of taken) {
    const seq = usernameSequence(base, name);
    if (seq !== undefined && seq > highest) highest = seq;
  }
  return usernameWithSequence(base, highest + 1);
}
