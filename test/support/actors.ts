import type { Actor } from '../../domain/roles';
import { DEMO_AGENCY } from '../../api/auth/accounts';

const staff = (username: string, role: Actor['roles'][number]): Actor => ({ username, roles: [role], agencyCode: DEMO_AGENCY });

export const actors = {
  officer: staff('motcua', 'one_stop_officer'),
  appraiser: staff('thamdinh', 'appraiser'),
  otherAppraiser: staff('thamdinh2', 'appraiser'),
  leader: staff('lanhdao', 'leader'),
  accountant: staff('ketoan', 'accountant'),
  supervisor: staff('giamsat', 'supervisor'),
  integrator: { username: 'demo-integrator', roles: ['integrator'], agencyCode: '*' } satisfies Actor,
  foreignOfficer: { username: 'motcua-khac', roles: ['one_stop_officer'], agencyCode: '000.00.02.H22' } satisfies Actor,
};
