import { randomBytes, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import type { Actor, Role } from '../../domain/roles';

/**
 * Staff accounts and integrator keys. Issue 5 moves them into PostgreSQL; until then the
 * development build seeds the demo accounts and nothing else.
 */

export interface Account {
  username: string;
  fullName: string;
  roles: Role[];
  agencyCode: string;
  passwordHash: string;
}

export interface AccountDirectory {
  authenticate(username: string, password: string): Actor | undefined;
  find(username: string): Account | undefined;
  integratorForKey(apiKey: string): Actor | undefined;
  list(): Account[];
}

export const DEMO_AGENCY = '000.00.01.H22';

const DEMO_ACCOUNTS: { username: string; fullName: string; roles: Role[] }[] = [
  { username: 'motcua', fullName: 'Cán bộ một cửa', roles: ['one_stop_officer'] },
  { username: 'thamdinh', fullName: 'Chuyên viên thẩm định', roles: ['appraiser'] },
  { username: 'thamdinh2', fullName: 'Chuyên viên thẩm định 2', roles: ['appraiser'] },
  { username: 'lanhdao', fullName: 'Lãnh đạo phòng', roles: ['leader'] },
  { username: 'ketoan', fullName: 'Kế toán', roles: ['accountant'] },
  { username: 'giamsat', fullName: 'Giám sát', roles: ['supervisor'] },
  { username: 'kiemtoan', fullName: 'Kiểm toán', roles: ['auditor'] },
  { username: 'quantri', fullName: 'Quản trị', roles: ['admin'] },
];

/** scrypt: memory-hard, in Node's standard library, so no native add-on to build. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'base64'), expected.length), expected);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function createAccountDirectory(opts: {
  demo: boolean;
  demoPassword: string;
  demoIntegratorKey: string;
}): AccountDirectory {
  const accounts = new Map<string, Account>();
  const keys: { hash: Buffer; actor: Actor }[] = [];
  if (opts.demo) {
    const passwordHash = hashPassword(opts.demoPassword);
    for (const a of DEMO_ACCOUNTS) accounts.set(a.username, { ...a, agencyCode: DEMO_AGENCY, passwordHash });
    // The national portal submits for every agency.
    keys.push({ hash: sha256(opts.demoIntegratorKey), actor: { username: 'demo-integrator', roles: ['integrator'], agencyCode: '*' } });
  }
  return {
    authenticate(username, password) {
      const account = accounts.get(username);
      if (!account || !verifyPassword(password, account.passwordHash)) return undefined;
      return { username: account.username, roles: account.roles, agencyCode: account.agencyCode };
    },
    find: (username) => accounts.get(username),
    integratorForKey(apiKey) {
      const h = sha256(apiKey);
      return keys.find((k) => timingSafeEqual(k.hash, h))?.actor;
    },
    list: () => [...accounts.values()],
  };
}
