import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Caller } from '../support/api';
import { logIn, screenshot } from '../support/browser';
import { application } from '../support/fixtures';
import { startConsoleSite, type ConsoleSite } from '../support/console-site';

let site: ConsoleSite | undefined;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let portal: Caller, officer: Caller, leader: Caller;

beforeAll(async () => {
  site = await startConsoleSite();
  ({ app, base, browser } = site);
  portal = Caller.integrator(app);
  [officer, leader] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao')]);
});
afterAll(async () => {
  await site?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterEach(async () => {
  await context?.close();
});

let citizen = 0;
async function awaitingReceipt(): Promise<{ reference: string; fullName: string; citizenId: string; phone: string }> {
  const form = application({ citizenSuffix: String(1700 + citizen++) });
  const res = await portal.submit(form);
  expect(res.statusCode, res.body).toBe(201);
  const { reference } = res.json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  return { reference, fullName: form.applicant.fullName, citizenId: form.applicant.citizenId, phone: form.applicant.phone };
}

async function received(): Promise<{ code: string; fullName: string; citizenId: string; phone: string }> {
  const d = await awaitingReceipt();
  const state = await officer.ok(d.reference, 'receive');
  return { ...d, code: state.code as string };
}

// The page states the numbers behind its bar chart in data-counts; reading them needs no DOM types here.
const statusCounts = async (p: Page) => JSON.parse((await p.locator('#by-status').getAttribute('data-counts')) ?? '{}') as Record<string, number>;
const kpi = async (p: Page, key: string) => Number(await p.locator(`[data-kpi="${key}"] .value`).textContent());

describe('the dashboard', () => {
  it('shows the figures as charts and follows dossiers as they move, without a reload', async () => {
    const waiting = await awaitingReceipt();
    await logIn(page, base, 'giamsat');
    await expect.poll(() => page.locator('#by-status').getAttribute('data-counts')).not.toBeNull();
    const before = await statusCounts(page);
    expect(before.AWAITING_RECEIPT).toBeGreaterThanOrEqual(1);
    const receivedBefore = await kpi(page, 'received');
    expect(await page.locator('h1').textContent()).toBe('Bảng điều khiển');
    // Both charts are drawn: Chart.js has painted pixels onto each canvas.
    for (const id of ['by-status', 'on-time']) {
      const painted = await page.evaluate(`(() => {
        const c = document.getElementById('${id}');
        return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
      })()`);
      expect(painted, id).toBe(true);
    }

    await officer.ok(waiting.reference, 'receive');
    await expect.poll(async () => (await statusCounts(page)).RECEIVED, { timeout: 20_000 }).toBe((before.RECEIVED ?? 0) + 1);
    const after = await statusCounts(page);
    expect(after.AWAITING_RECEIPT).toBe(before.AWAITING_RECEIPT! - 1);
    await expect.poll(() => kpi(page, 'received'), { timeout: 20_000 }).toBe(receivedBefore + 1);
    expect(await page.locator('#updated').textContent()).toMatch(/^Cập nhật lúc \d\d:\d\d/);
    await screenshot(page, 'dashboard');
  });

  it('finds a dossier by code and downloads its receipt (form 01) as a PDF', async () => {
    const d = await received();
    await logIn(page, base, 'giamsat');
    await page.getByLabel('Tìm hồ sơ theo mã').fill(d.code);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.waitForURL(`**/console/dossier.html?code=${encodeURIComponent(d.code)}`);
    await expect.poll(() => page.locator('[data-fact="Trạng thái"]').textContent()).toBe('Đã tiếp nhận');
    // The supervisor sees the citizen ID masked (SPEC 6).
    expect(await page.locator('[data-fact="Số định danh"]').textContent()).toBe(`********${d.citizenId.slice(-4)}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-form="01"]').click()]);
    expect(download.suggestedFilename()).toBe(`${d.code}-mau-01.pdf`);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    // Forms that do not apply yet say why instead of offering a button.
    expect(await page.locator('button[data-form="05"]').count()).toBe(0);
    await screenshot(page, 'dossier');
  });
});

describe('the public lookup page', () => {
  it('shows status and appointment by code, with the QR code leading back to it, and no personal data', async () => {
    const d = await received();
    await page.goto(`${base}/tra-cuu/${d.code}`);
    await expect.poll(() => page.locator('[data-fact="status"]').textContent()).toBe('Đã tiếp nhận');
    expect(await page.locator('[data-fact="procedure"]').textContent()).toBe('Đổi giấy phép lái xe');
    expect(await page.locator('[data-fact="appointment"]').textContent()).toMatch(/2\d{3}/);
    const text = (await page.content()) + (await page.locator('body').innerText());
    for (const personal of [d.fullName, d.citizenId, d.citizenId.slice(-4), d.phone]) expect(text).not.toContain(personal);
    // The QR image is the dossier's lookup address, encoded as the server's QR library encodes it.
    await page.waitForFunction(`document.getElementById('qr').naturalWidth > 0`);
    const svg = await (await fetch(`${base}/api/v1/public/dossiers/${d.code}/qr.svg`)).text();
    expect(svg).toBe(await QRCode.toString(`${base}/tra-cuu/${encodeURIComponent(d.code)}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    await screenshot(page, 'lookup');
  });

  it('takes the text of a printed form’s QR code, and says plainly when a code is unknown', async () => {
    const d = await received();
    await page.goto(`${base}/tra-cuu`);
    await page.getByLabel(/Mã hồ sơ/).fill(JSON.stringify({ MaHoSo: d.code, MaTTHC: 'GPLX-DOI', MauSo: '01' }));
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await expect.poll(() => page.locator('[data-fact="code"]').textContent()).toBe(d.code);
    expect(new URL(page.url()).pathname).toBe(`/tra-cuu/${d.code}`);

    await page.getByLabel(/Mã hồ sơ/).fill('000.00.01.H22-200101-9999');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await expect.poll(() => page.locator('#error').textContent()).toBe('Không tìm thấy hồ sơ có mã 000.00.01.H22-200101-9999.');
  });
});

describe("the officer's work queue", () => {
  it('lists what waits for the officer and takes the allowed actions from it', async () => {
    const d = await awaitingReceipt();
    await logIn(page, base, 'motcua');
    await page.goto(`${base}/console/queue.html`);
    const row = page.locator(`tr[data-reference="${d.reference}"]`);
    await row.waitFor();
    // Only what the one-stop officer may do while the dossier awaits receipt.
    expect(await row.locator('button').allTextContents()).toEqual(['Tiếp nhận hồ sơ', 'Yêu cầu bổ sung', 'Từ chối tiếp nhận']);
    await screenshot(page, 'queue-officer');
    await row.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => page.locator('#notice .done-line').first().textContent()).toMatch(/^Đã thực hiện “Tiếp nhận hồ sơ” với hồ sơ 000\.00\.01\.H22-\d{6}-\d{4,}: Đã tiếp nhận\./);
    expect((await officer.get(d.reference)).json<{ status: string }>().status).toBe('RECEIVED');
    await expect.poll(() => row.count()).toBe(0);

    // The leader's queue now holds it, to be assigned.
    await logIn(page, base, 'lanhdao');
    await page.goto(`${base}/console/queue.html`);
    const leaderRow = page.locator(`tr[data-reference="${d.reference}"]`);
    await leaderRow.waitFor();
    await leaderRow.getByRole('button', { name: 'Phân công thụ lý' }).click();
    // The appraisers are a list with their load, not a name to type.
    await expect.poll(() => page.locator('select[name="appraiser"] option').count()).toBeGreaterThan(2);
    await page.locator('#action-dialog select[name="appraiser"]').selectOption('thamdinh');
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('Đang thẩm định');
    const state = (await leader.get(d.reference)).json<{ status: string; assignee: string }>();
    expect(state).toMatchObject({ status: 'IN_APPRAISAL', assignee: 'thamdinh' });
    await screenshot(page, 'queue-leader');
  });
});

describe('accounts in the console', () => {
  it('makes a new account change its password at first login, and logging out ends the session on the server', async () => {
    const admin = await Caller.staff(app, 'quantri2');
    const created = await admin.request('POST', '/api/v1/admin/accounts', { fullName: 'Trần Thị Mới', roles: ['supervisor'] });
    expect(created.statusCode, created.body).toBe(201);
    const { account, initialPassword } = created.json<{ account: { username: string }; initialPassword: string }>();

    await logIn(page, base, account.username, initialPassword, '');
    const change = page.locator('#change');
    await change.waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
    // The login is an HttpOnly cookie: the page's scripts cannot read it, nor is it in sessionStorage.
    expect(await page.evaluate('document.cookie')).not.toContain('gplx_session');
    expect(await page.evaluate('JSON.stringify(sessionStorage)')).not.toMatch(/eyJ/);
    const token = (await context.cookies()).find((c) => c.name === 'gplx_session')!.value;
    // The API holds the line too: this login reaches nothing else until the password is changed.
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/stats', headers: { authorization: `Bearer ${String(token)}` } });
    expect(blocked.statusCode, blocked.body).toBe(403);

    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('aaaaaaaaaaaa');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('aaaaaaaaaaaa');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await expect.poll(() => page.locator('#change-error').textContent()).toBe('Mật khẩu mới cần có ít nhất một chữ số hoặc ký hiệu; có ít nhất 5 ký tự khác nhau.');
    await screenshot(page, 'login-password-change');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Sông-Hồng-2026-mới');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Sông-Hồng-2026-mới');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL(`${base}/console/`);
    await expect.poll(() => page.locator('#by-status').getAttribute('data-counts')).not.toBeNull();

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(`${base}/console/login.html`);
    const after = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${String(token)}` } });
    expect(after.statusCode).toBe(401);
    await logIn(page, base, account.username, 'Sông-Hồng-2026-mới');
  });
});

describe('the Content Security Policy in the browser', () => {
  it('lets every page of the console, the lookup and /docs run without a single violation', async () => {
    const d = await received();
    // Registered before any of the page's own scripts run (Playwright injects it outside the page's policy).
    await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
      (window.cspViolations ??= []).push(e.violatedDirective + ' ' + e.blockedURI);
    });`);
    const violations: string[] = [];
    const visit = async (url: string, ready: string) => {
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      await page.waitForTimeout(300);
      violations.push(...((await page.evaluate('window.cspViolations ?? []')) as string[]).map((v) => `${url}: ${v}`));
    };
    await logIn(page, base, 'lanhdao');
    await visit(`${base}/console/`, '#by-status');
    await visit(`${base}/console/queue.html`, 'h1');
    await visit(`${base}/console/dossier.html?code=${encodeURIComponent(d.code)}`, 'h1');
    await visit(`${base}/tra-cuu/${encodeURIComponent(d.code)}`, '#facts dt');
    await visit(`${base}/docs/static/index.html`, '.swagger-ui');
    expect(violations).toEqual([]);
  });
});

