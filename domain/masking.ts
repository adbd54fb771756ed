/**
 * The one masking rule of personal data, for every view that shows it to a role that may not see
 * it in full, and for what the service keeps of a notification's recipient. Masks keep enough to
 * recognise a record on the phone, not enough to reuse it.
 */
export const mask = {
  citizenId: (v: string) => `${'*'.repeat(v.length - 4)}${v.slice(-4)}`,
  /** Any identifier: its last four characters. */
  identifier: (v: string) => `${'*'.repeat(Math.max(0, v.length - 4))}${v.slice(-4)}`,
  phone: (v: string) => `${v.slice(0, 3)}****${v.slice(-3)}`,
  email: (v: string) => v.replace(/^(.).*(@.*)$/, '$1***$2'),
  address: (v: string) => `*** ${v.split(',').pop()?.trim() ?? ''}`.trim(),
  dateOfBirth: (v: string) => `${v.slice(0, 4)}-**-**`,
};
