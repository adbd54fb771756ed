/** What a staff password must be. Every broken rule is reported, so the form can say all at once. */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export function passwordProblems(password: string, context: { username: string; current?: string }): string[] {
  const problems: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`at least ${PASSWORD_MIN_LENGTH} characters`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`at most ${PASSWORD_MAX_LENGTH} characters`);
  if (!/\p{L}/u.test(password)) problems.push('at least one letter');
  if (!/[^\p{L}]/u.test(password)) problems.push('at least one digit or symbol');
  if (new Set(chars).size < 5) problems.push('at least 5 different characters');
  if (context.username && password.toLowerCase().includes(context.username.toLowerCase())) problems.push('must not contain the username');
  if (context.current !== undefined && password === context.current) problems.push('must differ from the current password');
  return problems;
}
