import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Caller } from '../support/api';
import { expectNoSidewaysScroll, expectVietnameseOnly, logIn, screenshot } from '../support/browser';
import { application } from '../support/fixtures';
import { startConsoleSite, type ConsoleSite } from '../support/console-site';

/**
 * Each officer's day through the console alone, in Debian's Chromium: the one-stop officer, the
 * leader, the accountant and the supervisor, on a desktop and on a phone. What the API does is
 * checked through the API; what the person sees is checked on the page.
 */

let site: ConsoleSite | undefined;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller;

beforeAll(async () => {
  site = await startConsoleSite();
  ({ app, base, browser } = site);
  portal = Caller.integrator(app);
  [officer, leader, appraiser] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'thamdinh')]);
});
afterAll(async () => {
  await site?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});
afterEach(async () => {
  await context?.close();
});

let citizen = 0;
async function submitted(suffix?: string): Promise<{ reference: string; fullName: string }> {
  const form = application({ citizenSuffix: suffix ?? String(6100 + citizen++) });
  const res = await portal.submit(form);
  expect(res.statusCode, res.body).toBe(201);
  const { reference } = res.json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  return { reference, fullName: form.applicant.fullName };
}

describe('the one-stop officer', () => {
  it('sees the unresolved violation (9004) in the queue, refuses with it in view, and prints form 01 straight after a receipt', async () => {
    const flagged = await submitted('9004');
    const clean = await submitted();
    await logIn(page, base, 'motcua', 'demo', `${base}/console/queue.html`);
    const row = page.locator(`tr[data-reference="${flagged.reference}"]`);
    await row.waitFor();
    const badge = row.locator('[data-finding="UNRESOLVED_VIOLATION"]');
    expect(await badge.textContent()).toBe('Vi phạm giao thông chưa chấp hành');
    // The badge says what the finding means for the officer, on hover and to a screen reader.
    expect(await badge.getAttribute('title')).toMatch(/^Người nộp có quyết định xử phạt/);
    expect(await page.locator(`tr[data-reference="${clean.reference}"] [data-finding]`).count()).toBe(0);
    // Remaining time is shown for received dossiers; these two have no clock yet.
    expect(await row.textContent()).toContain('chưa tiếp nhận');
    await screenshot(page, 'day-officer-queue-finding');

    // The filter keeps only the dossiers with that finding.
    await page.getByLabel('Kết quả xác minh').selectOption('UNRESOLVED_VIOLATION');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await expect.poll(() => page.locator(`tr[data-reference="${clean.reference}"]`).count()).toBe(0);
    await row.waitFor();

    // Refusing looks unlike receiving, and the dialog shows what the refusal rests on.
    const refuse = row.getByRole('button', { name: 'Từ chối tiếp nhận' });
    expect(await refuse.getAttribute('class')).toBe('danger');
    expect(await row.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).getAttribute('class')).toBeNull();
    await refuse.click();
    const dialog = page.locator('#action-dialog');
    await dialog.locator('li[data-finding="UNRESOLVED_VIOLATION"]').waitFor();
    expect(await dialog.locator('[data-fact="applicant"]').textContent()).toBe(flagged.fullName);
    expect(await dialog.locator('li[data-finding="UNRESOLVED_VIOLATION"]').textContent()).toContain('không đổi giấy phép cho đến khi chấp hành');
    await expectVietnameseOnly(page);
    await screenshot(page, 'day-officer-refuse-dialog');
    // The reason the officer would write is offered, citing the decision the registry gave.
    expect(await dialog.locator('[data-violations]').textContent()).toMatch(/^Quyết định xử phạt số \S+ ngày \d\d\/\d\d\/\d{4}: /);
    await expect.poll(() => page.getByLabel('Lý do từ chối (mỗi dòng một lý do)').inputValue()).toMatch(/^Vi phạm giao thông chưa chấp hành: quyết định xử phạt số \S+/);
    await page.getByLabel('Lý do từ chối (mỗi dòng một lý do)').fill('Chưa chấp hành xong quyết định xử phạt vi phạm hành chính 123/QĐ-XPHC');
    await dialog.getByRole('button', { name: 'Xác nhận từ chối tiếp nhận' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('Từ chối tiếp nhận');
    expect((await officer.get(flagged.reference)).json<{ status: string }>().status).toBe('REFUSED_AT_INTAKE');

    // Receipt, then form 01 at once: no search, no re-typing the code.
    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    const cleanRow = page.locator(`tr[data-reference="${clean.reference}"]`);
    await cleanRow.waitFor();
    await cleanRow.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.locator('#action-dialog [data-findings="none"]').waitFor();
    await page.locator('#action-dialog').getByRole('button', { name: 'Xác nhận' }).click();
    const print = page.locator('#notice button[data-print]');
    await print.waitFor();
    const code = (await print.getAttribute('data-print'))!;
    const [download] = await Promise.all([page.waitForEvent('download'), print.click()]);
    expect(download.suggestedFilename()).toBe(`${code}-mau-01.pdf`);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'day-officer-received-print');

    // The dossier's page: its actions, its step deadlines (form 06) and its history in Vietnamese.
    await page.goto(`${base}/console/dossier.html?code=${encodeURIComponent(flagged.reference)}`);
    await expect.poll(() => page.locator('#transitions tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('#transitions').textContent()).toContain('Từ chối tiếp nhận: Chưa chấp hành xong quyết định xử phạt');
    await expectVietnameseOnly(page);
    await screenshot(page, 'day-officer-dossier-refused');
  });
});

describe('bulk actions', () => {
  it('receives several dossiers at once, then assigns them at once, each applied on its own', async () => {
    const [a, b] = [await submitted(), await submitted()];
    await logIn(page, base, 'motcua', 'demo', `${base}/console/queue.html`);
    for (const d of [a, b]) {
      const row = page.locator(`tr[data-reference="${d.reference}"]`);
      await row.waitFor();
      await row.locator('input[type="checkbox"]').check();
    }
    const bulk = page.locator('#bulk-receive');
    expect(await bulk.textContent()).toBe('Tiếp nhận 2 hồ sơ đã chọn');
    await screenshot(page, 'day-officer-bulk');
    await bulk.click();
    await expect.poll(() => page.locator('#notice button[data-print]').count()).toBe(2);
    for (const d of [a, b]) expect((await officer.get(d.reference)).json<{ status: string }>().status).toBe('RECEIVED');

    // The leader assigns both to one appraiser, picked from the list.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(`${base}/console/login.html`);
    await logIn(page, base, 'lanhdao', 'demo', `${base}/console/queue.html`);
    for (const d of [a, b]) {
      const row = page.locator(`tr[data-reference="${d.reference}"]`);
      await row.waitFor();
      await row.locator('input[type="checkbox"]').check();
    }
    await expect.poll(() => page.locator('#bulk-appraiser option[value="thamdinh2"]').count()).toBe(1);
    await page.locator('#bulk-appraiser').selectOption('thamdinh2');
    await page.getByRole('button', { name: 'Phân công các hồ sơ đã chọn' }).click();
    for (const d of [a, b]) await expect.poll(async () => (await leader.get(d.reference)).json<{ assignee: string }>().assignee).toBe('thamdinh2');
  });
});

describe('the leader', () => {
  it('assigns from the list of appraisers with their load, then re-assigns a dossier already in appraisal', async () => {
    const d = await submitted();
    const { code } = await officer.ok(d.reference, 'receive');
    await logIn(page, base, 'lanhdao', 'demo', `${base}/console/queue.html`);
    const row = page.locator(`tr[data-code="${code}"]`);
    await row.waitFor();
    // Remaining working time on the legal clock, in words.
    expect(await row.locator('.remaining').textContent()).toMatch(/^còn .+ làm việc$/);
    await row.getByRole('button', { name: 'Phân công thụ lý' }).click();
    const select = page.locator('#action-dialog select[name="appraiser"]');
    await expect.poll(() => select.locator('option[value="thamdinh"]').count()).toBe(1);
    expect(await select.locator('option[value="thamdinh"]').textContent()).toMatch(/\(thamdinh\) — \d+ hồ sơ đang thẩm định$/);
    await screenshot(page, 'day-leader-assign-list');
    await select.selectOption('thamdinh');
    await page.locator('#action-dialog').getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(async () => (await leader.get(code)).json<{ assignee: string }>().assignee).toBe('thamdinh');

    // Already in appraisal: not in the everyday queue, but there when asked for, to re-assign.
    await page.getByLabel('Trạng thái').selectOption('IN_APPRAISAL');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await row.waitFor();
    await row.getByRole('button', { name: 'Phân công lại' }).click();
    await expect.poll(() => select.locator('option[value="thamdinh2"]').count()).toBe(1);
    // Who holds it now is not offered again.
    expect(await select.locator('option[value="thamdinh"]').count()).toBe(0);
    expect(await page.locator('#action-dialog').textContent()).toContain('Đang phân công cho thamdinh.');
    await select.selectOption('thamdinh2');
    await page.locator('#action-dialog').getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(async () => (await leader.get(code)).json<{ assignee: string }>().assignee).toBe('thamdinh2');

    await page.goto(`${base}/console/dossier.html?code=${encodeURIComponent(code)}`);
    await expect.poll(() => page.locator('#transitions').textContent()).toContain('Phân công lại từ thamdinh cho thamdinh2');
    await expectVietnameseOnly(page);
    await screenshot(page, 'day-leader-reassigned');
  });

  it('approves with the appraiser’s conclusion in view, and reads a refusal in Vietnamese', async () => {
    const d = await submitted();
    const { code } = await officer.ok(d.reference, 'receive');
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code, 'appraise', { outcome: 'pass', note: 'Hồ sơ đầy đủ, hợp lệ' });
    await logIn(page, base, 'lanhdao', 'demo', `${base}/console/queue.html`);
    const row = page.locator(`tr[data-code="${code}"]`);
    await row.waitFor();
    expect(await row.getByRole('button', { name: 'Trả lại thẩm định' }).getAttribute('class')).toBe('danger');
    await row.getByRole('button', { name: 'Phê duyệt' }).click();
    const conclusion = page.locator('#action-dialog [data-appraisal="pass"]');
    await conclusion.waitFor();
    expect(await conclusion.textContent()).toMatch(/^Đạt — thamdinh, .+: Hồ sơ đầy đủ, hợp lệ$/);
    await screenshot(page, 'day-leader-approve-dialog');
    // Someone approves it meanwhile through the API: the console's second try is refused, and says so in Vietnamese.
    await leader.ok(code, 'approve', {});
    await page.locator('#action-dialog').getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('vừa được người khác cập nhật');
    await expectVietnameseOnly(page);
  });
});

describe('the accountant', () => {
  it('lands on the payments to confirm, and records one at the counter', async () => {
    const d = await submitted();
    const { code } = await officer.ok(d.reference, 'receive');
    await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
    await appraiser.ok(code, 'appraise', { outcome: 'pass' });
    await leader.ok(code, 'approve', {});
    await logIn(page, base, 'ketoan', 'demo', `${base}/console/queue.html?view=payments`);
    expect(await page.locator('h1').textContent()).toBe('Lệ phí chờ xác nhận');
    // Only what the role may open: no dashboard (it would answer 403).
    const nav = await page.locator('.topbar nav a').allTextContents();
    expect(nav).toEqual(['Lệ phí chờ xác nhận', 'Tra cứu công khai']);
    const row = page.locator(`tr[data-code="${code}"]`);
    await row.waitFor();
    await screenshot(page, 'day-accountant-payments');
    await row.getByRole('button', { name: 'Ghi nhận nộp lệ phí' }).click();
    await expect.poll(() => page.locator('#action-dialog').textContent()).toContain('Lệ phí phải nộp:');
    await page.getByLabel('Số biên lai').fill('BL-2026-0042');
    await page.locator('#action-dialog').getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(async () => (await officer.get(code)).json<{ status: string }>().status).toBe('RESULT_READY');
    await expectVietnameseOnly(page);
  });
});

describe('navigation by role', () => {
  it('shows each role only the pages it may open, and lands each where its day starts', async () => {
    const expected: [string, string, string[]][] = [
      ['giamsat', '/console/', ['Bảng điều khiển', 'Tra cứu công khai']],
      ['thamdinh', '/console/queue.html', ['Việc cần xử lý', 'Tra cứu công khai']],
      ['kiemtoan', '/console/audit.html', ['Lịch sử và chạy lại', 'Bảng điều khiển', 'Tra cứu công khai']],
    ];
    for (const [username, landing, nav] of expected) {
      await logIn(page, base, username, 'demo', `${base}${landing}`);
      expect(await page.locator('.topbar nav a').allTextContents(), username).toEqual(nav);
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL(`${base}/console/login.html`);
    }
  });
});

describe('on a phone (390 px)', () => {
  it('scrolls no page sideways, and a tap on a queue button opens its dialog', async () => {
    const d = await submitted();
    const { code } = await officer.ok(d.reference, 'receive');
    const phone = await browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    try {
      const p = await phone.newPage();
      await logIn(p, base, 'lanhdao', 'demo', `${base}/console/queue.html`);
      const row = p.locator(`tr[data-code="${code}"]`);
      await row.waitFor();
      await expectNoSidewaysScroll(p);
      const button = row.getByRole('button', { name: 'Phân công thụ lý' });
      // A touch target a finger can hit (WCAG 2.5.5's 44 px).
      const box = (await button.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      await button.tap();
      await p.locator('#action-dialog[open]').waitFor();
      await expectNoSidewaysScroll(p);
      await screenshot(p, 'day-phone-queue-dialog');
      await p.locator('#action-cancel').tap();
      for (const url of [`/console/dossier.html?code=${encodeURIComponent(code)}`, '/console/', '/console/login.html']) {
        await p.goto(`${base}${url}`);
        await p.locator('h1').first().waitFor();
        await p.waitForTimeout(300);
        await expectNoSidewaysScroll(p);
      }
      await screenshot(p, 'day-phone-login');
    } finally {
      await phone.close();
    }
  });
});
