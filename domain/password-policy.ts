import type { Message } from './messages';

/** What a staff password must be. Every broken rule is reported, so the form can say all at once. */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** The broken rules, each in English (the API's message) and Vietnamese (the officer's). */
export function passwordProblemMessages(password: string, context: { username: string; current?: string }): Message[] {
  const problems: Message[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push({ en: `at least ${PASSWORD_MIN_LENGTH} characters`, vi: `có ít nhất ${PASSWORD_MIN_LENGTH} ký tự` });
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push({ en: `at most ${PASSWORD_MAX_LENGTH} characters`, vi: `có nhiều nhất ${PASSWORD_MAX_LENGTH} ký tự` });
  if (!/\p{L}/u.test(password)) problems.push({ en: 'at least one letter', vi: 'có ít nhất một chữ cái' });
  if (!/[^\p{L}]/u.test(password)) problems.push({ en: 'at least one digit or symbol', vi: 'có ít nhất một chữ số hoặc ký hiệu' });
  if (new Set(chars).size < 5) problems.push({ en: 'at least 5 different characters', vi: 'có ít nhất 5 ký tự khác nhau' });
  if (context.username && password.toLowerCase().includes(context.username.toLowerCase())) problems.push({ en: 'must not contain the username', vi: 'không chứa tên đăng nhập' });
  if (context.current !== undefined && password === context.current) problems.push({ en: 'must differ from the current password', vi: 'khác mật khẩu hiện tại' });
  return problems;
}

export function passwordProblems(password: string, context: { username: string; current?: string }): string[] {
  return passwordProblemMessages(password, context).map((p) => p.en);
}
