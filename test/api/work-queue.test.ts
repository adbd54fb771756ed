import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import type { DossierState } from '../../domain/dossier-state';
import type { DossierStatus } from '../../domain/dossier-status';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import type { VerificationFindings } from '../../domain/verification';
import { maskPersonalQuery } from '../../api/logging';
import { Caller, buildTestApp } from '../support/api';
import { application } from '../support/fixtures';
import { startStack, type Stack } from '../support/stack';

/** The work queue as officers use it: findings, filters, search, sorting, paging; the leader's list of appraisers and re-assignment. */

let stack: Stack;
let app: FastifyInstance;
let portal: Caller, officer: Caller, leader: Caller, accountant: Caller;

const DAY = 86_400_000;
const now = Date.now();
const at = (offsetDays: number) => new Date(now + offsetDays * DAY).toISOString();
const checkedAt = at(-1);
const VIOLATION: VerificationFindings = {
  health: { outcome: 'clear', issues: [], checkedAt },
  licence: { outcome: 'problem', issues: ['UNRESOLVED_VIOLATION'], flags: [], unresolvedViolations: [{ decisionNumber: '123/QĐ-XPHC', decidedOn: '2026-01-05', description: 'Vượt đèn đỏ' }], checkedAt },
};
const NO_CERTIFICATE: VerificationFindings = { health: { outcome: 'problem', issues: ['NO_CERTIFICATE'], checkedAt }, licence: { outcome: 'clear', issues: [], flags: [], unresolvedViolations: [], checkedAt } };

function recorded(name: string, fullName: string, citizenSuffix: string, o: Partial<DossierState> & { status: DossierStatus }): DossierState {
  const form = application({ citizenSuffix });
  form.applicant.fullName = fullName;
  return {
    reference: `SUB-WQ${name.padStart(20, '0')}`,
    agencyCode: form.agencyCode,
    procedure: RENEWAL_PROCEDURE,
    application: form,
    submittedAt: at(-5),
    verification: {},
    paused: false,
    late: false,
    steps: [],
    transitions: [],
    ...(o.status === 'AWAITING_RECEIPT' ? {} : { code: `${form.agencyCode}-260101-${name.padStart(4, '0')}`, receivedAt: at(-4) }),
    ...o,
  };
}

const ref = (name: string) => `SUB-WQ${name.padStart(20, '0')}`;
const SET = [
  recorded('1', 'Trần Thị Bình', '5101', { status: 'AWAITING_RECEIPT', submittedAt: at(-3), verification: VIOLATION }),
  recorded('2', 'Lê Văn Cường', '5102', { status: 'AWAITING_RECEIPT', submittedAt: at(-2), verification: NO_CERTIFICATE }),
  recorded('3', 'Phạm Minh Dũng', '5103', { status: 'AWAITING_RECEIPT', submittedAt: at(-1) }),
  recorded('4', 'Hoàng Thu Hà', '5104', { status: 'IN_APPRAISAL', dueAt: at(6), assignee: 'thamdinh' }),
  recorded('5', 'Vũ Quốc Khánh', '5105', { status: 'RECEIVED', dueAt: at(7) }),
];

type Item = { reference: string; findings: string[]; actions: string[]; remainingWorkingMinutes: number | null; applicantName: string };
async function queue(caller: Caller, query: string): Promise<{ items: Item[]; total: number }> {
  const res = await caller.request('GET', `/api/v1/work-queue?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  stack = await startStack('dev-server');
  app = await buildTestApp(stack);
  portal = Caller.integrator(app);
  [officer, leader, accountant] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'ketoan')]);
  for (const d of SET) await recordDossier(stack.database.db, d, 1);
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

describe('GET /work-queue', () => {
  it('shows each dossier’s verification findings, most serious first', async () => {
    const { items } = await queue(officer, 'q=SUB-WQ');
    expect(items.map((i) => [i.reference, i.findings])).toEqual([
      [ref('1'), ['UNRESOLVED_VIOLATION']],
      [ref('2'), ['NO_CERTIFICATE']],
      [ref('3'), []],
    ]);
  });

  it('filters by finding and state, searches by name and citizen ID, sorts and pages', async () => {
    expect((await queue(officer, 'q=SUB-WQ&finding=UNRESOLVED_VIOLATION')).items.map((i) => i.reference)).toEqual([ref('1')]);
    expect((await queue(officer, 'q=SUB-WQ&finding=NO_CERTIFICATE')).items.map((i) => i.reference)).toEqual([ref('2')]);
    // Part of a name, whatever the case; a full citizen ID.
    expect((await queue(officer, `q=${encodeURIComponent('thị bình')}`)).items.map((i) => i.reference)).toEqual([ref('1')]);
    expect((await queue(officer, 'q=001088005102')).items.map((i) => i.reference)).toEqual([ref('2')]);
    // `%` is a letter to look for, not a pattern.
    expect((await queue(officer, 'q=%25')).total).toBe(0);
    const code = (await queue(officer, 'q=SUB-WQ&sort=code')).items.map((i) => i.reference);
    expect(code).toEqual([ref('1'), ref('2'), ref('3')]);
    const page = await queue(officer, 'q=SUB-WQ&limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, offset: 1 });
    expect(page.items.map((i) => i.reference)).toEqual([ref('2')]);
    expect((await queue(leader, 'status=RECEIVED&q=SUB-WQ')).items.map((i) => i.reference)).toEqual([ref('5')]);
  });

  it('keeps a search by name or citizen ID out of the logs and the access log, and treats a blank search as none', async () => {
    expect(maskPersonalQuery('/api/v1/work-queue?q=Tr%E1%BA%A7n+Th%E1%BB%8B&sort=code')).toBe('/api/v1/work-queue?sort=code&q=%5Bredacted%5D');
    expect(maskPersonalQuery('/api/v1/work-queue?q=001088005102')).toBe('/api/v1/work-queue?q=********5102');
    expect(maskPersonalQuery('/api/v1/work-queue?q=SUB-WQ')).toBe('/api/v1/work-queue?q=SUB-WQ');
    expect((await queue(officer, 'q=%20%20&limit=1')).items).toHaveLength(1);
  });

  it('refuses a search by personal data to a role that sees it masked, in both languages', async () => {
    const res = await accountant.request('GET', '/api/v1/work-queue?q=001088005102');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN', field: 'q', messageVi: 'Vai trò của bạn không được tìm theo số định danh cá nhân.' } });
  });

  it('lists dossiers already in appraisal to a leader who asks, to re-assign; never in the everyday queue', async () => {
    expect((await queue(leader, 'q=SUB-WQ')).items.map((i) => i.reference)).toEqual([ref('5')]);
    const inAppraisal = await queue(leader, 'status=IN_APPRAISAL&q=SUB-WQ');
    expect(inAppraisal.items.map((i) => [i.reference, i.actions])).toEqual([[ref('4'), ['assign']]]);
  });
});

describe('GET /appraisers', () => {
  it('gives the leader the agency’s appraisers, least loaded first, with what each has in appraisal', async () => {
    const res = await leader.request('GET', '/api/v1/appraisers');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: { username: string; inAppraisal: number }[] }>().items;
    const load = Object.fromEntries(items.map((i) => [i.username, i.inAppraisal]));
    expect(load).toMatchObject({ thamdinh: 1, thamdinh2: 0 });
    expect(items.map((i) => i.inAppraisal)).toEqual([...items.map((i) => i.inAppraisal)].sort((a, b) => a - b));
    expect((await officer.request('GET', '/api/v1/appraisers')).statusCode).toBe(403);
  });
});

describe('re-assignment and refusals on a running dossier', () => {
  it('re-assigns in appraisal, recorded like any transition, and says in Vietnamese why an action is refused', async () => {
    const submitted = await portal.submit(application({ citizenSuffix: '5199' }));
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { reference } = submitted.json<{ reference: string }>();
    await officer.waitFor(reference, 'AWAITING_RECEIPT');
    const { code } = await officer.ok(reference, 'receive');
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    const again = await leader.ok(code, 'assign', { appraiser: 'thamdinh2' });
    expect(again).toMatchObject({ status: 'IN_APPRAISAL', assignee: 'thamdinh2' });
    const view = (await leader.get(code)).json<{ transitions: { action: string; textVi: string; facts?: object }[] }>();
    const assigns = view.transitions.filter((t) => t.action === 'assign');
    expect(assigns.map((t) => t.textVi)).toEqual(['Phân công cho thamdinh', 'Phân công lại từ thamdinh cho thamdinh2']);
    expect(assigns[1]!.facts).toEqual({ appraiser: 'thamdinh2', previousAppraiser: 'thamdinh' });

    const refused = await leader.act(code, 'approve', {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: {
        code: 'ACTION_NOT_ALLOWED',
        message: 'approve is not possible while the dossier is IN_APPRAISAL',
        messageVi: 'Không thể “Phê duyệt” khi hồ sơ đang ở trạng thái “Đang thẩm định”.',
      },
    });
    const same = await leader.act(code, 'assign', { appraiser: 'thamdinh2' });
    expect(same.json()).toMatchObject({ error: { code: 'ACTION_NOT_ALLOWED', messageVi: 'Hồ sơ đã được phân công cho thamdinh2.' } });
    // Every error answer carries a Vietnamese text, even one the framework gives.
    const notJson = await app.inject({ method: 'POST', url: `/api/v1/dossiers/${code}/actions/approve`, headers: { ...leader.headers, 'content-type': 'text/plain' }, payload: 'x' });
    expect([400, 415]).toContain(notJson.statusCode);
    expect(notJson.json().error.messageVi).toMatch(/[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/);
  });
});
