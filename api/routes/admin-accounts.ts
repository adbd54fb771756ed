import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clearAccountKeys, throttledAccounts } from '../../db/login-throttles';
import { z } from 'zod';
import { instant } from '../../domain/dossier-state-schema';
import {
  accountDependencies,
  deleteAccount,
  findAccount,
  findAgency,
  insertAccountNamed,
  listAccounts,
  listSessions,
  revokeSessions,
  updateAccount,
  type AccountRow,
  type SessionRow,
} from '../../db/accounts';
import type { Database } from '../../db/client';
import { manageRefusal, type AccountShape, type Administrator } from '../../domain/account-admin';
import { AGENCY_CODE } from '../../domain/application';
import { DATA_SCOPES, STAFF_ROLES, type Actor, type AdminLevel, type StaffRole } from '../../domain/roles';
import { usernameBase } from '../../domain/username';
import { publicAccount, publicAccountSchema } from '../auth/accounts';
import { ipAllowed, normaliseCidr } from '../auth/ip-allow-list';
import { generateInitialPassword } from '../auth/passwords';
import { actorOf, adminLevelOf } from '../auth/plugin';
import { HttpError, errorResponse, notFound } from '../errors';

const roles = z
  .array(z.enum(STAFF_ROLES))
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'each role once');
const adminLevel = z.union([z.literal(1), z.literal(2)]).describe('required with the admin role: 1 national, 2 agency');
const ipAllowList = z
  .array(z.string().max(64))
  .max(50)
  .transform((list, ctx) =>
    list.map((entry, i) => {
      const cidr = normaliseCidr(entry);
      if (!cidr) ctx.addIssue({ code: 'custom', path: [i], message: `${entry}: not an IP address or CIDR block` });
      return cidr ?? entry;
    }),
  )
  .describe('CIDR blocks the account may be used from (SPEC 6: admin and one-stop accounts); empty: anywhere');
const usernameParam = z.object({ username: z.string().min(1).max(64) });

const accountBody = z.object({
  fullName: z.string().trim().min(1).max(200),
  agencyCode: AGENCY_CODE.optional().describe("a level-2 admin's own agency when omitted (required of a level-1 admin)"),
  unit: z.string().min(1).max(16).nullable().optional(),
  roles,
  adminLevel: adminLevel.optional(),
  scope: z.enum(DATA_SCOPES).default('own').describe('whole agency, own unit, or own dossiers (the default)'),
  ipAllowList: ipAllowList.default([]),
});
const patchBody = z.object({
  fullName: z.string().trim().min(1).max(200).optional(),
  unit: z.string().min(1).max(16).nullable().optional(),
  roles: roles.optional(),
  adminLevel: adminLevel.nullable().optional(),
  scope: z.enum(DATA_SCOPES).optional(),
  ipAllowList: ipAllowList.optional(),
});


/** An account with the one-time password it was just given: shown in this answer and nowhere else. */
const withInitialPassword = z.object({ account: publicAccountSchema, initialPassword: z.string().describe('shown this once: the account must change it at its next login') });

/** One login of an account, as admins see it: never the token, only the start of its id. */
const sessionSchema = z.object({
  id: z.string().describe('the first 8 characters of the session id'),
  createdAt: instant,
  expiresAt: instant,
  revokedAt: instant.nullable(),
  revokedBy: z.string().nullable().describe('who ended it: the account itself (logout), an admin, or `system` (password change, closure)'),
  active: z.boolean(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

const sessionView = (s: SessionRow, now: Date): z.infer<typeof sessionSchema> => ({
  id: s.id.slice(0, 8),
  createdAt: s.createdAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  revokedAt: s.revokedAt?.toISOString() ?? null,
  revokedBy: s.revokedBy,
  active: !s.revokedAt && s.expiresAt > now,
  ip: s.ip,
  userAgent: s.userAgent,
});

function administrator(actor: Actor): Administrator {
  return { adminLevel: adminLevelOf(actor), agencyCode: actor.agencyCode };
}

function assertManages(admin: Administrator, target: AccountShape): void {
  const refusal = manageRefusal(admin, target);
  if (refusal) throw new HttpError(403, 'FORBIDDEN', refusal);
}

/** `admin` in the roles exactly when an admin level is given. */
function checkAdminLevel(rolesHeld: readonly StaffRole[], level: AdminLevel | null | undefined): void {
  if (rolesHeld.includes('admin') && !level) throw new HttpError(400, 'VALIDATION_FAILED', 'adminLevel: required with the admin role', 'adminLevel');
  if (!rolesHeld.includes('admin') && level) throw new HttpError(400, 'VALIDATION_FAILED', 'adminLevel: only with the admin role', 'adminLevel');
}

export const adminAccountRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  const accounts = app.accounts;
  const policy = accounts.policy;
  const admin = app.requireActor(['admin']);
  /** Accounts as admins see them, with whether unknown browsers must wait before their next login attempt. */
  const views = async (rows: AccountRow[]) => {
    const throttled = await throttledAccounts(db, policy.clock());
    return rows.map((row) => publicAccount(row, policy, throttled.get(row.username)));
  };
  const view = async (row: AccountRow) => (await views([row]))[0]!;

  async function checkUnit(agencyCode: string, unit: string | null | undefined): Promise<void> {
    const agency = await findAgency(db, agencyCode);
    if (!agency) throw new HttpError(400, 'VALIDATION_FAILED', `agencyCode: no agency ${agencyCode}`, 'agencyCode');
    if (unit && !agency.units.some((u) => u.code === unit)) {
      throw new HttpError(400, 'VALIDATION_FAILED', `unit: agency ${agencyCode} has no unit ${unit} (units: ${agency.units.map((u) => u.code).join(', ') || 'none'})`, 'unit');
    }
  }

  /** The account named in the URL, if this admin may manage it. */
  async function managed(actor: Actor, username: string): Promise<AccountRow> {
    const row = await findAccount(db, username);
    if (!row) throw notFound(`account ${username}`);
    assertManages(administrator(actor), row);
    return row;
  }

  function notSelf(actor: Actor, row: AccountRow, what: string): void {
    if (row.username === actor.username) throw new HttpError(409, 'OWN_ACCOUNT', `you cannot ${what} your own account`);
  }

  app.get(
    '/admin/accounts',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Accounts: a level-2 admin sees its agency, level 1 every agency; `dormant` flags accounts unused for ACCOUNT_DORMANT_DAYS',
        security: [{ bearer: [] }],
        querystring: z.object({
          agency: AGENCY_CODE.optional(),
          unit: z.string().min(1).max(16).optional(),
          status: z.enum(['active', 'closed']).optional(),
          dormant: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('true: only accounts unused for ACCOUNT_DORMANT_DAYS'),
        }),
        response: {
          200: z
            .object({ items: z.array(publicAccountSchema), dormantDays: z.number().int().describe('ACCOUNT_DORMANT_DAYS: how long unused makes an account `dormant`') })
            .describe('the accounts, by agency and username'),
        },
      },
    },
    async (request) => {
      const me = administrator(actorOf(request));
      const q = request.query;
      if (me.adminLevel === 2 && q.agency && q.agency !== me.agencyCode) {
        throw new HttpError(403, 'FORBIDDEN', `agency: a level-2 admin sees its own agency (${me.agencyCode}) only`, 'agency');
      }
      const rows = await listAccounts(db, {
        agencyCode: me.adminLevel === 2 ? me.agencyCode : q.agency,
        unit: q.unit,
        status: q.status,
        unusedBefore: q.dormant ? new Date(policy.clock().getTime() - policy.dormantDays * 86_400_000) : undefined,
      });
      const items = (await views(rows)).filter((a) => (q.dormant === false ? !a.dormant : true));
      return { items, dormantDays: policy.dormantDays };
    },
  );

  app.post(
    '/admin/accounts',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create an account: its username comes from the full name (nguyenvana, then nguyenvana01…); the initial password is returned once',
        description: 'The new account must change its password at first login. A level-2 admin creates non-admin accounts of its own agency only.',
        security: [{ bearer: [] }],
        body: accountBody,
        response: { 201: withInitialPassword.describe('created: the account, and its initial password (shown this once)') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const me = administrator(actor);
      const body = request.body;
      const agencyCode = body.agencyCode ?? (me.adminLevel === 2 ? me.agencyCode : undefined);
      if (!agencyCode) throw new HttpError(400, 'VALIDATION_FAILED', 'agencyCode: required', 'agencyCode');
      checkAdminLevel(body.roles, body.adminLevel);
      assertManages(me, { agencyCode, adminLevel: body.adminLevel });
      await checkUnit(agencyCode, body.unit);
      const base = usernameBase(body.fullName);
      if (!base) throw new HttpError(400, 'VALIDATION_FAILED', 'fullName: has no Latin letters to make a username of', 'fullName');
      // Made for the base name: a password that does not contain `nguyenvana` does not contain `nguyenvana01` either.
      const initialPassword = generateInitialPassword(base);
      const now = policy.clock();
      const row = await insertAccountNamed(db, base, {
        fullName: body.fullName,
        agencyCode,
        unit: body.unit ?? null,
        roles: body.roles,
        adminLevel: body.adminLevel ?? null,
        dataScope: body.scope,
        passwordHash: await accounts.hashPassword(initialPassword),
        mustChangePassword: true,
        ipAllowList: body.ipAllowList,
        createdAt: now,
        createdBy: actor.username,
      });
      return reply.status(201).send({ account: await view(row), initialPassword });
    },
  );

  app.get(
    '/admin/accounts/:username',
    {
      onRequest: admin,
      schema: { tags: ['admin'], summary: 'One account', security: [{ bearer: [] }], params: usernameParam, response: { 200: publicAccountSchema.describe('the account') } },
    },
    async (request) => view(await managed(actorOf(request), request.params.username)),
  );

  app.patch(
    '/admin/accounts/:username',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Change an account: full name, unit, roles, admin level, data scope, IP allow-list (the username never changes)',
        description:
          'Takes effect at the account’s next request: roles and scope are read from the database every time. ' +
          'An admin cannot change its own roles, nor give itself an IP allow-list without the address it is asking from (409 OWN_ACCOUNT).',
        security: [{ bearer: [] }],
        params: usernameParam,
        body: patchBody,
        response: { 200: publicAccountSchema.describe('the account as changed') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await managed(actor, request.params.username);
      const body = request.body;
      const nextRoles = body.roles ?? row.roles;
      const nextLevel = body.adminLevel !== undefined ? body.adminLevel : nextRoles.includes('admin') ? row.adminLevel : null;
      if (body.roles || body.adminLevel !== undefined) notSelf(actor, row, 'change the roles of');
      if (body.ipAllowList && row.username === actor.username && !ipAllowed(body.ipAllowList, request.ip)) {
        // Every later request of this login would be refused: an admin does not shut itself out.
        throw new HttpError(409, 'OWN_ACCOUNT', `ipAllowList: it does not include ${request.ip}, the address you are using`, 'ipAllowList');
      }
      checkAdminLevel(nextRoles, nextLevel);
      assertManages(administrator(actor), { agencyCode: row.agencyCode, adminLevel: nextLevel });
      if (body.unit !== undefined) await checkUnit(row.agencyCode, body.unit);
      const saved = await updateAccount(
        db,
        row.id,
        {
          ...(body.fullName !== undefined ? { fullName: body.fullName } : {}),
          ...(body.unit !== undefined ? { unit: body.unit } : {}),
          roles: nextRoles,
          adminLevel: nextLevel ?? null,
          ...(body.scope !== undefined ? { dataScope: body.scope } : {}),
          ...(body.ipAllowList !== undefined ? { ipAllowList: body.ipAllowList } : {}),
        },
        policy.clock(),
      );
      return view(saved);
    },
  );

  app.post(
    '/admin/accounts/:username/close',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Close an account: it can no longer log in and its logins end at once',
        security: [{ bearer: [] }],
        params: usernameParam,
        response: { 200: publicAccountSchema.describe('the account, closed (closing a closed account changes nothing)') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await managed(actor, request.params.username);
      notSelf(actor, row, 'close');
      const now = policy.clock();
      const saved = row.status === 'closed' ? row : await updateAccount(db, row.id, { status: 'closed', closedAt: now }, now);
      await revokeSessions(db, row.id, actor.username, now);
      return view(saved);
    },
  );

  app.post(
    '/admin/accounts/:username/reopen',
    {
      onRequest: admin,
      schema: { tags: ['admin'], summary: 'Reopen a closed account', security: [{ bearer: [] }], params: usernameParam, response: { 200: publicAccountSchema.describe('the account, active') } },
    },
    async (request) => {
      const row = await managed(actorOf(request), request.params.username);
      const now = policy.clock();
      return view(await updateAccount(db, row.id, { status: 'active', closedAt: null, failedAttempts: 0, lockedUntil: null }, now));
    },
  );

  app.post(
    '/admin/accounts/:username/unlock',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Let every browser try logging in to this account again at once (clears the waits failed logins imposed)',
        security: [{ bearer: [] }],
        params: usernameParam,
        response: { 200: publicAccountSchema.describe('the account, no longer `locked`') },
      },
    },
    async (request) => {
      const row = await managed(actorOf(request), request.params.username);
      await clearAccountKeys(db, row.username);
      return view(row);
    },
  );

  app.post(
    '/admin/accounts/:username/reset-password',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Set a new one-time password (returned once): the account must change it at its next login; its logins end and any lock is lifted',
        description: 'Not of one’s own account (409 OWN_ACCOUNT): change it at /auth/password.',
        security: [{ bearer: [] }],
        params: usernameParam,
        response: { 200: withInitialPassword.describe('the account, and its new one-time password (shown this once)') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await managed(actor, request.params.username);
      // It would end the very login asking; an admin changes its own password at /auth/password.
      notSelf(actor, row, 'reset the password of');
      const initialPassword = generateInitialPassword(row.username);
      const now = policy.clock();
      const saved = await updateAccount(
        db,
        row.id,
        { passwordHash: await accounts.hashPassword(initialPassword), mustChangePassword: true, failedAttempts: 0, lockedUntil: null },
        now,
      );
      await revokeSessions(db, row.id, actor.username, now);
      return { account: await view(saved), initialPassword };
    },
  );

  app.get(
    '/admin/accounts/:username/sessions',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: "An account's logins, newest first: when, from where (IP, user agent), and when and by whom each ended",
        security: [{ bearer: [] }],
        params: usernameParam,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(sessionSchema) }).describe('its logins, newest first (at most `limit`)') },
      },
    },
    async (request) => {
      const row = await managed(actorOf(request), request.params.username);
      const now = policy.clock();
      const items = await listSessions(db, row.id, request.query.limit);
      return { items: items.map((s) => sessionView(s, now)) };
    },
  );

  app.post(
    '/admin/accounts/:username/sessions/revoke',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'End every login of an account at once (its tokens stop working)',
        description: 'An admin ending its own logins keeps the one it asks with.',
        security: [{ bearer: [] }],
        params: usernameParam,
        response: { 200: z.object({ revoked: z.number().int().describe('how many logins were open and are now ended') }).describe('ended') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await managed(actor, request.params.username);
      return { revoked: await revokeSessions(db, row.id, actor.username, policy.clock(), row.username === actor.username ? request.session?.id : undefined) };
    },
  );

  app.delete(
    '/admin/accounts/:username',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Delete an account that left nothing behind; 409 ACCOUNT_IN_USE with the reason otherwise (close it instead)',
        security: [{ bearer: [] }],
        params: usernameParam,
        response: {
          204: z.undefined().describe('deleted'),
          409: errorResponse.describe('OWN_ACCOUNT: an admin cannot delete itself; ACCOUNT_IN_USE: it left a record behind (the reason says which): close it instead'),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const row = await managed(actor, request.params.username);
      notSelf(actor, row, 'delete');
      const reasons = await accountDependencies(db, row.username);
      if (reasons.length) {
        throw new HttpError(409, 'ACCOUNT_IN_USE', `account ${row.username} cannot be deleted: ${reasons.join('; ')}; close it instead`);
      }
      await deleteAccount(db, row.id);
      return reply.status(204).send();
    },
  );
};
