import { createHash, randomBytes } from 'node:crypto';
import {
  activeApiKeyByHash,
  createSession,
  findAccount,
  fullNames,
  recordLogin,
  revokeSession,
  sessionWithAccount,
  touchApiKey,
  unitMembers,
  type AccountRow,
  type ApiKeyRow,
} from '../../db/accounts';
import { z } from 'zod';
import { instant } from '../../domain/dossier-state-schema';
import type { Database } from '../../db/client';
import { DEMO_AGENCY, seedDemoAccounts } from '../../db/seed';
import { AGENCY_CODE } from '../../domain/application';
import { DATA_SCOPES, STAFF_ROLES, type Actor } from '../../domain/roles';
import { escapeUnstorable } from '../../domain/storable-text';
import { HttpError } from '../errors';
import { ipAllowed } from './ip-allow-list';
import { DEFAULT_SCRYPT_COST, hashPassword, needsRehash, verifyPassword, type ScryptCost } from './passwords';

export { DEMO_AGENCY };

/**
 * Staff accounts, their sessions and integrator keys, in PostgreSQL (db/accounts.ts). The demo
 * accounts are ordinary rows seeded outside production (db/seed.ts).
 */

export interface AccountPolicy {
  /** Failed logins of an account (from browsers it has not logged in from) before each further attempt must wait… */
  lockoutAttempts: number;
  /** …1 s, 2 s, 4 s…, at most this long (api/auth/login-throttle.ts). */
  lockoutMinutes: number;
  /** Failed logins from one address, whatever the usernames, before its attempts must wait too. */
  ipAttempts: number;
  /** Accounts without a login for this long are flagged in the admin's list (SPEC 6). */
  dormantDays: number;
  /** How long a login (its session and its token) lasts. */
  sessionHours: number;
  /** The cost new password hashes are made with (tests use a lighter one). */
  scryptCost: ScryptCost;
  /** The time, for tests of lockout and dormancy; the database's own defaults are not used for these. */
  clock: () => Date;
}

export const DEFAULT_POLICY: AccountPolicy = {
  lockoutAttempts: 5,
  lockoutMinutes: 15,
  ipAttempts: 20,
  dormantDays: 90,
  sessionHours: 8,
  scryptCost: DEFAULT_SCRYPT_COST,
  clock: () => new Date(),
};

export interface DirectoryOptions {
  /** Seed the demo accounts and the demo key (never in production). */
  demo: boolean;
  demoPassword: string;
  demoIntegratorKey: string;
  policy?: Partial<AccountPolicy>;
}


/** A staff account as the API answers it: never the hash. */
export const publicAccountSchema = z.object({
  username: z.string(),
  fullName: z.string(),
  agencyCode: AGENCY_CODE.describe('the agency the account belongs to'),
  unit: z.string().nullable().describe("one of the agency's units, or none"),
  roles: z.array(z.enum(STAFF_ROLES)),
  adminLevel: z.union([z.literal(1), z.literal(2)]).nullable().describe('with the admin role: 1 national, 2 agency'),
  scope: z.enum(DATA_SCOPES).describe('whole agency, own unit, or own dossiers'),
  status: z.enum(['active', 'closed']),
  mustChangePassword: z.boolean(),
  locked: z.boolean().describe('browsers it has never logged in from must wait before trying again (failed logins); its own browsers are not held'),
  lockedUntil: instant.nullable().describe('until when, while `locked`'),
  ipAllowList: z.array(z.string()).describe('CIDR blocks the account may be used from; empty: anywhere'),
  createdAt: instant,
  createdBy: z.string(),
  closedAt: instant.nullable(),
  lastLoginAt: instant.nullable(),
  unusedSince: instant.describe('the last login, or the creation if it never logged in'),
  dormant: z.boolean().describe('unused for ACCOUNT_DORMANT_DAYS or more: to be reviewed and closed (SPEC 6)'),
});
export type PublicAccount = z.infer<typeof publicAccountSchema>;

export function publicAccount(row: AccountRow, policy: Pick<AccountPolicy, 'dormantDays' | 'clock'>, throttledUntil?: Date): PublicAccount {
  const unusedSince = row.lastLoginAt ?? row.createdAt;
  const now = policy.clock();
  const lockedUntil = throttledUntil && throttledUntil > now ? throttledUntil : undefined;
  return {
    username: row.username,
    fullName: row.fullName,
    agencyCode: row.agencyCode,
    unit: row.unit,
    roles: row.roles,
    adminLevel: row.adminLevel ?? null,
    scope: row.dataScope,
    status: row.status,
    mustChangePassword: row.mustChangePassword,
    locked: lockedUntil !== undefined,
    lockedUntil: lockedUntil?.toISOString() ?? null,
    ipAllowList: row.ipAllowList,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    closedAt: row.closedAt?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    unusedSince: unusedSince.toISOString(),
    dormant: now.getTime() - unusedSince.getTime() >= policy.dormantDays * 86_400_000,
  };
}

/** Who a staff account acts as. A level-1 admin is national: its scope is every agency. */
export function actorOfAccount(row: AccountRow): Actor {
  return {
    username: row.username,
    roles: row.roles,
    agencyCode: row.adminLevel === 1 ? '*' : row.agencyCode,
    scope: row.dataScope,
    unit: row.unit,
    ...(row.adminLevel ? { adminLevel: row.adminLevel } : {}),
  };
}

export function actorOfApiKey(key: Pick<ApiKeyRow, 'name' | 'agencyCodes'>): Actor {
  const codes = key.agencyCodes;
  if (codes.includes('*')) return { username: key.name, roles: ['integrator'], agencyCode: '*' };
  return { username: key.name, roles: ['integrator'], agencyCode: codes[0]!, ...(codes.length > 1 ? { agencyCodes: codes } : {}) };
}

/**
 * Keys are `gplx_` + 43 base64url characters (256 random bits). SHA-256 is enough to store them:
 * there is nothing to guess, so the slowness a password hash buys would only slow every call.
 */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');
export const newApiKey = () => `gplx_${randomBytes(32).toString('base64url')}`;
export const apiKeyPrefix = (key: string) => key.slice(0, 9);

export interface Session {
  id: string;
  accountId: number;
  mustChangePassword: boolean;
}

export interface LoginResult {
  token: { sub: string; jti: string };
  account: AccountRow;
  actor: Actor;
}

export interface AccountDirectory {
  readonly db: Database;
  readonly policy: AccountPolicy;
  login(input: { username: string; password: string; ip: string; userAgent?: string }): Promise<LoginResult>;
  /** The actor behind a token's session; throws 401 when the session is over, 403 from a foreign address. */
  sessionActor(claims: { sub: string; jti?: string }, ip: string): Promise<{ actor: Actor; session: Session }>;
  integratorForKey(apiKey: string): Promise<Actor | undefined>;
  logout(sessionId: string, by: string): Promise<void>;
  find(username: string): Promise<AccountRow | undefined>;
  fullNames(usernames: string[]): Promise<Map<string, string>>;
  /** The usernames a data scope stands for (the unit's accounts for `unit`). */
  unitMembers(agencyCode: string, unit: string): Promise<string[]>;
  hashPassword(password: string): Promise<string>;
}

/** How buildApp gets the directory: it opens it on the app's database (seeding the demo rows if asked). */
export interface AccountDirectorySource {
  open(db: Database): Promise<AccountDirectory>;
}

export function createAccountDirectory(options: DirectoryOptions): AccountDirectorySource {
  const policy: AccountPolicy = { ...DEFAULT_POLICY, ...options.policy };
  return {
    async open(db) {
      if (options.demo) {
        await seedDemoAccounts(db, {
          passwordHash: () => hashPassword(options.demoPassword, policy.scryptCost),
          integratorKeyHash: hashApiKey(options.demoIntegratorKey),
          integratorKeyPrefix: apiKeyPrefix(options.demoIntegratorKey),
        });
      }
      return openDirectory(db, policy);
    },
  };
}

export function openDirectory(db: Database, policy: AccountPolicy): AccountDirectory {
  // An unknown username costs the same scrypt as a known one, so timing does not tell them apart.
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex'), policy.scryptCost));

  return {
    db,
    policy,
    async login({ username, password, ip, userAgent }) {
      const now = policy.clock();
      const account = await findAccount(db, username);
      // Known or not, the same work and the same answer; failures are counted by the login throttle.
      const hash = account?.passwordHash ?? (await dummyHash());
      if (!(await verifyPassword(password, hash)) || !account) throw new HttpError(401, 'INVALID_CREDENTIALS', 'wrong username or password');
      // Past the password: the account's state may now be told to the person who owns it.
      if (account.status !== 'active') throw new HttpError(403, 'ACCOUNT_CLOSED', 'this account is closed; ask your administrator');
      if (!ipAllowed(account.ipAllowList, ip)) {
        throw new HttpError(403, 'IP_NOT_ALLOWED', `this account may not be used from ${ip}`);
      }
      const rehash = needsRehash(account.passwordHash, policy.scryptCost) ? await hashPassword(password, policy.scryptCost) : undefined;
      await recordLogin(db, account.id, now, rehash);
      const jti = randomBytes(16).toString('base64url');
      await createSession(db, {
        id: jti,
        accountId: account.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + policy.sessionHours * 3_600_000),
        ip,
        userAgent: userAgent ? escapeUnstorable(userAgent.slice(0, 512)) : null,
      });
      return { token: { sub: account.username, jti }, account, actor: actorOfAccount(account) };
    },

    async sessionActor(claims, ip) {
      const ended = new HttpError(401, 'UNAUTHENTICATED', 'the session has ended (logged out, revoked or expired); log in again');
      if (!claims.jti) throw ended;
      const row = await sessionWithAccount(db, claims.jti);
      const now = policy.clock();
      if (!row || row.account.username !== claims.sub || row.session.revokedAt || row.session.expiresAt <= now) throw ended;
      if (row.account.status !== 'active') throw new HttpError(401, 'ACCOUNT_CLOSED', 'this account is closed');
      if (!ipAllowed(row.account.ipAllowList, ip)) throw new HttpError(403, 'IP_NOT_ALLOWED', `this account may not be used from ${ip}`);
      return {
        actor: actorOfAccount(row.account),
        session: { id: row.session.id, accountId: row.account.id, mustChangePassword: row.account.mustChangePassword },
      };
    },

    async integratorForKey(apiKey) {
      const key = await activeApiKeyByHash(db, hashApiKey(apiKey));
      if (!key) return undefined;
      const now = policy.clock();
      // When it was last used, to the minute: one write a minute per key, not one per call.
      if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) await touchApiKey(db, key.id, now);
      return actorOfApiKey(key);
    },

    logout: (sessionId, by) => revokeSession(db, sessionId, by, policy.clock()),
    find: (username) => findAccount(db, username),
    fullNames: (usernames) => fullNames(db, usernames),
    unitMembers: (agencyCode, unit) => unitMembers(db, agencyCode, unit),
    hashPassword: (password) => hashPassword(password, policy.scryptCost),
  };
}
