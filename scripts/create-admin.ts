import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword, generateInitialPassword } from '../api/auth/passwords';
import { findAgency, insertAccountNamed } from '../db/accounts';
import { openDatabase } from '../db/client';
import { usernameBase } from '../domain/username';
import { loadServiceConfig } from '../service.config';

/**
 * Creates a level-1 (national) admin: how a production installation, which seeds no demo account,
 * gets its first one. Prints the generated username and a one-time password, to be changed at
 * first login. Uses DATABASE_URL, or the embedded PGlite under DATA_DIR (stop `npm start` first:
 * PGlite serves one process at a time).
 *
 *   npx tsx scripts/create-admin.ts --full-name "Nguyễn Văn A" --agency 000.00.01.H22
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'full-name': { type: 'string' }, agency: { type: 'string' } } });
  const fullName = values['full-name']?.trim();
  const agencyCode = values.agency;
  if (!fullName || !agencyCode) throw new Error('usage: create-admin --full-name "Nguyễn Văn A" --agency 000.00.01.H22');
  const base = usernameBase(fullName);
  if (!base) throw new Error('the full name has no Latin letters to make a username of');
  const config = loadServiceConfig();
  if (!config.DATABASE_URL) mkdirSync(path.resolve(config.DATA_DIR), { recursive: true });
  const database = await openDatabase({
    ...(config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: path.resolve(config.DATA_DIR, 'pglite') }),
    demoAgencies: config.NODE_ENV !== 'production',
  });
  try {
    if (!(await findAgency(database.db, agencyCode))) throw new Error(`no agency ${agencyCode}`);
    const password = generateInitialPassword(base);
    const account = await insertAccountNamed(database.db, base, {
      fullName,
      agencyCode,
      roles: ['admin'],
      adminLevel: 1,
      dataScope: 'agency',
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      createdBy: 'create-admin',
    });
    console.log(`level-1 admin created: username ${account.username}, one-time password ${password} (to be changed at first login)`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
