import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agencyDependencies, deleteAgency, findAgency, insertAgency, listAgencies, listAccounts, updateAgency, type AgencyRow } from '../../db/accounts';
import type { Database } from '../../db/client';
import { AGENCY_CODE } from '../../domain/application';
import { actorOf, adminLevelOf } from '../auth/plugin';
import { HttpError, errorResponse, notFound } from '../errors';

const bankAccount = z.object({
  bankName: z.string().trim().min(1).max(200),
  accountNumber: z.string().trim().regex(/^[0-9A-Za-z.\- ]{4,34}$/, '4 to 34 digits or letters'),
  holder: z.string().trim().min(1).max(200),
});
const unit = z.object({
  code: z.string().trim().regex(/^[A-Z0-9_-]{1,16}$/, '1 to 16 capital letters, digits, _ or -'),
  name: z.string().trim().min(1).max(200),
});
const units = z
  .array(unit)
  .max(100)
  .refine((list) => new Set(list.map((u) => u.code)).size === list.length, 'unit codes must be distinct');

const agencyBody = z.object({
  code: AGENCY_CODE,
  name: z.string().trim().min(1).max(300),
  bankAccount: bankAccount.nullable().optional().describe('the beneficiary account fees are paid into'),
  receivingAddress: z.string().trim().min(1).max(500).nullable().optional().describe('the receiving location (one-stop counter)'),
  units: units.default([]),
});

/** An agency as the API answers it. */
const agencySchema = z.object({
  code: AGENCY_CODE,
  name: z.string(),
  bankAccount: bankAccount.nullable().describe('the beneficiary account fees are paid into, if set'),
  receivingAddress: z.string().nullable().describe('the receiving location (one-stop counter), if set'),
  units: z.array(unit),
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
});

const view = (row: AgencyRow): z.infer<typeof agencySchema> => ({
  code: row.code,
  name: row.name,
  bankAccount: row.bankAccountNumber ? { bankName: row.bankName ?? '', accountNumber: row.bankAccountNumber, holder: row.bankAccountHolder ?? '' } : null,
  receivingAddress: row.receivingAddress,
  units: row.units,
  updatedAt: row.updatedAt?.toISOString() ?? null,
  updatedBy: row.updatedBy,
});

const bankColumns = (b: z.infer<typeof bankAccount> | null | undefined) =>
  b === undefined ? {} : { bankName: b?.bankName ?? null, bankAccountNumber: b?.accountNumber ?? null, bankAccountHolder: b?.holder ?? null };

/** Agencies: every admin reads them; a level-1 (national) admin creates, edits and deletes them. */
export const adminAgencyRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  const admin = app.requireActor(['admin']);
  const now = () => app.accounts.policy.clock();

  app.get(
    '/admin/agencies',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'The agencies',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(agencySchema) }).describe('every agency, by code') },
      },
    },
    async () => ({ items: (await listAgencies(db)).map(view) }),
  );

  app.get(
    '/admin/agencies/:code',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'One agency',
        security: [{ bearer: [] }],
        params: z.object({ code: AGENCY_CODE }),
        response: { 200: agencySchema.describe('the agency') },
      },
    },
    async (request) => {
      const row = await findAgency(db, request.params.code);
      if (!row) throw notFound(`agency ${request.params.code}`);
      return view(row);
    },
  );

  app.post(
    '/admin/agencies',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Create an agency (level-1 admin); it starts with the standard office hours',
        security: [{ bearer: [] }],
        body: agencyBody,
        response: { 201: agencySchema.describe('created') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      adminLevelOf(actor, 1);
      const { code, name, bankAccount: bank, receivingAddress, units: unitList } = request.body;
      const row = await insertAgency(db, {
        code,
        name,
        ...bankColumns(bank),
        receivingAddress: receivingAddress ?? null,
        units: unitList,
        updatedAt: now(),
        updatedBy: actor.username,
      });
      if (!row) throw new HttpError(409, 'AGENCY_EXISTS', `agency ${code} already exists`, 'code');
      return reply.status(201).send(view(row));
    },
  );

  app.patch(
    '/admin/agencies/:code',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Change an agency: name, beneficiary account, receiving location, units (level-1 admin)',
        description: 'A unit that accounts still belong to cannot be removed (409 UNIT_IN_USE).',
        security: [{ bearer: [] }],
        params: z.object({ code: AGENCY_CODE }),
        body: agencyBody.omit({ code: true }).partial().extend({ units: units.optional() }),
        response: { 200: agencySchema.describe('the agency as changed') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      adminLevelOf(actor, 1);
      const { code } = request.params;
      const existing = await findAgency(db, code);
      if (!existing) throw notFound(`agency ${code}`);
      const { name, bankAccount: bank, receivingAddress, units: unitList } = request.body;
      if (unitList) {
        const kept = new Set(unitList.map((u) => u.code));
        const orphans = (await listAccounts(db, { agencyCode: code })).filter((a) => a.unit && !kept.has(a.unit));
        if (orphans.length) {
          throw new HttpError(409, 'UNIT_IN_USE', `units: ${orphans[0]!.unit} still has accounts (e.g. ${orphans[0]!.username})`, 'units');
        }
      }
      const row = await updateAgency(db, code, {
        ...(name !== undefined ? { name } : {}),
        ...bankColumns(bank),
        ...(receivingAddress !== undefined ? { receivingAddress } : {}),
        ...(unitList ? { units: unitList } : {}),
        updatedAt: now(),
        updatedBy: actor.username,
      });
      return view(row!);
    },
  );

  app.delete(
    '/admin/agencies/:code',
    {
      onRequest: admin,
      schema: {
        tags: ['admin'],
        summary: 'Delete an agency nothing refers to (level-1 admin); 409 with the reason otherwise',
        security: [{ bearer: [] }],
        params: z.object({ code: AGENCY_CODE }),
        response: {
          204: z.undefined().describe('deleted'),
          409: errorResponse.describe('AGENCY_IN_USE: accounts, dossiers or API keys refer to it (the reason says which)'),
        },
      },
    },
    async (request, reply) => {
      adminLevelOf(actorOf(request), 1);
      const { code } = request.params;
      if (!(await findAgency(db, code))) throw notFound(`agency ${code}`);
      const reasons = await agencyDependencies(db, code);
      if (reasons.length) throw new HttpError(409, 'AGENCY_IN_USE', `agency ${code} cannot be deleted: ${reasons.join('; ')}`);
      await deleteAgency(db, code);
      return reply.status(204).send();
    },
  );
};
