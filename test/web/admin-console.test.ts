import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkingCalendar, dayOf, isoDay, localIso, weekday } from '../../domain/working-time';
import { Caller, type DossierBody } from '../support/api';
import { expectVietnameseOnly, logIn, screenshot } from '../support/browser';
import { application } from '../support/fixtures';
import { startConsoleSite, type ConsoleSite } from '../support/console-site';

/**
 * The administrators' and auditors' pages in Debian's Chromium, against the real API and a real
 * Temporal dev server: the year view of the holiday table with its preview, accounts, a level-2
 * admin's narrower view, the auditor's timeline and replay, and every page at a phone's width.
 */

let site: ConsoleSite | undefined;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let portal: Caller, officer: Caller, admin: Caller;
let pageErrors: string[] = [];

beforeAll(async () => {
  site = await startConsoleSite();
  ({ app, base, browser } = site);
  portal = Caller.integrator(app);
  [officer, admin] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'quantri')]);
});
afterAll(async () => {
  await site?.stop();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<void> {
  await context?.close();
  context = await browser.newContext({ locale: 'vi-VN', viewport, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  // The Content Security Policy holds on these pages too: a refusal is reported on the console.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) pageErrors.push(`${page.url()}: ${m.text()}`);
  });
}
beforeEach(async () => {
  pageErrors = [];
  await newPage();
});
afterEach(async () => {
  await context?.close();
  // No page threw nor broke the CSP: a failure even when the assertions above passed.
  expect(pageErrors).toEqual([]);
});

/** Logs in through the login page, wherever the role lands, then opens the page asked for. */
async function openAs(username: string, path: string): Promise<void> {
  await logIn(page, base, username, 'demo', '');
  await page.waitForURL((url) => !url.pathname.endsWith('/login.html'));
  await page.goto(`${base}${path}`);
}

let citizen = 0;
async function received(): Promise<DossierBody> {
  const res = await portal.submit(application({ citizenSuffix: String(4200 + citizen++) }));
  expect(res.statusCode, res.body).toBe(201);
  const { reference } = res.json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  return officer.ok(reference, 'receive');
}

/** "09:00 27/02/2026", as the console writes a time. */
const vnTime = (iso: string) => {
  const s = localIso(Date.parse(iso));
  return `${s.slice(11, 16)} ${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
};

async function currentCalendar(): Promise<WorkingCalendar> {
  const entries = (await officer.request('GET', '/api/v1/calendar/entries')).json().entries;
  const { windows } = (await officer.request('GET', '/api/v1/calendar/office-hours/000.00.01.H22')).json();
  return new WorkingCalendar({ entries, officeHours: windows });
}

/** The page is no wider than the screen, and every control of the page is at least 44 px high. */
async function fitsPhone(what: string): Promise<void> {
  const layout = (await page.evaluate(`(() => {
    const visible = (e) => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden';
    // The page's own controls and its open dialog (the shared header is app.css's).
    const controls = 'button, select, input:not([type=checkbox]):not([type=radio]):not([type=file]), a.button';
    const small = [...document.querySelectorAll(['main', 'dialog[open]'].map((c) => controls.split(', ').map((s) => c + ' ' + s).join(', ')).join(', '))]
      .filter(visible)
      .filter((e) => e.getBoundingClientRect().height < 44)
      .map((e) => e.outerHTML.slice(0, 80));
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, small };
  })()`)) as { scrollWidth: number; innerWidth: number; small: string[] };
  expect(layout.scrollWidth, `${what} scrolls sideways`).toBeLessThanOrEqual(layout.innerWidth);
  expect(layout.small, `${what}: touch targets under 44 px`).toEqual([]);
  await expectVietnameseOnly(page);
}

describe('the holiday calendar', () => {
  it('adds a holiday in the year view after a preview naming the open dossier, then shows the propagation finish and the appointment moved', async () => {
    const d = await received();
    const cal = await currentCalendar();
    let day = dayOf(Date.parse(d.receivedAt)) + 1;
    while (!(cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5 && !cal.entryOn(day))) day++;
    const date = isoDay(day);
    expect(Date.parse(`${date}T00:00:00+07:00`)).toBeLessThan(Date.parse(d.dueAt));

    await openAs('quantri', `/console/admin-calendar.html?year=${date.slice(0, 4)}`);
    const cell = page.locator(`button.day[data-date="${date}"]`);
    await cell.waitFor();
    expect(await cell.getAttribute('data-kind')).toBe('workday');
    // Weekends and the seeded holidays are told apart by a letter as well as a colour.
    expect(await page.locator('button.day[data-kind="weekend"] .mark').first().textContent()).toBe('N');
    await page.locator('#hours-agency').waitFor();
    await screenshot(page, 'admin-calendar-year');

    await cell.click();
    await page.getByLabel('Loại ngày').selectOption('holiday');
    await page.getByLabel('Tên gọi').fill('Nghỉ lễ đột xuất (thử)');
    await expect.poll(() => page.locator('#day-save').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Xem trước ảnh hưởng' }).click();
    const listed = page.locator(`#preview li[data-code="${d.code}"]`);
    await listed.waitFor();
    expect(await listed.textContent()).toContain(`hẹn ${vnTime(d.dueAt)} → `);
    expect(await page.locator('#preview').textContent()).toMatch(/\d+ hồ sơ đang mở sẽ đổi ngày hẹn trả kết quả/);
    expect(await page.locator('#preview').textContent()).toContain('muộn hơn 1 ngày làm việc');
    await screenshot(page, 'admin-calendar-preview');
    // Nothing is saved by the preview.
    expect((await officer.request('GET', `/api/v1/calendar/entries?from=${date}&to=${date}`)).json().entries).toEqual([]);

    await page.getByRole('button', { name: 'Xác nhận thêm vào lịch' }).click();
    await expect.poll(() => page.locator('#propagation').getAttribute('data-state'), { timeout: 30_000 }).toBe('completed');
    expect(await page.locator('#propagation-text').textContent()).toMatch(/^Đã cập nhật xong: \d+ hồ sơ đang mở đã tính lại ngày hẹn/);
    expect(await cell.getAttribute('data-kind')).toBe('holiday');
    expect(await cell.locator('.mark').textContent()).toBe('L');
    await screenshot(page, 'admin-calendar-propagated');

    // The dossier's appointment moved by one working day, and its page says so.
    await expect.poll(async () => (await officer.get(d.reference)).json<DossierBody>().dueAt, { timeout: 20_000 }).not.toBe(d.dueAt);
    const moved = (await officer.get(d.reference)).json<DossierBody>();
    expect(cal.workingTimeBetween(Date.parse(d.dueAt), Date.parse(moved.dueAt))).toBe(cal.dayWork);
    await page.goto(`${base}/console/dossier.html?code=${encodeURIComponent(d.code)}`);
    await expect.poll(() => page.locator('[data-fact="Hẹn trả kết quả"]').textContent()).toContain(vnTime(moved.dueAt));
    await screenshot(page, 'admin-calendar-dossier-moved');

    await admin.request('DELETE', `/api/v1/calendar/entries/${date}`);
  });
});

describe('accounts', () => {
  it('creates an account, shows its username and one-time password, then closes it after a confirmation', async () => {
    await openAs('quantri', '/console/admin-accounts.html');
    await page.locator('tr[data-username="motcua"]').waitFor();
    // The dormant flag, from the API's own answer.
    expect(await page.locator('#dormant-note').textContent()).toContain('90 ngày');
    await page.locator('#create').click();
    await page.getByLabel('Họ và tên').fill('Trần Thị Bình');
    await page.locator('#account-fields select[name="agencyCode"]').selectOption('000.00.01.H22');
    await page.getByLabel('Cán bộ một cửa').check();
    await page.getByLabel('Phạm vi dữ liệu').selectOption('agency');
    await screenshot(page, 'admin-account-form');
    await page.locator('#account-save').click();

    const username = page.locator('output[data-secret="username"]');
    await username.waitFor();
    const name = (await username.textContent())!;
    const password = (await page.locator('output[data-secret="password"]').textContent())!;
    expect(name).toMatch(/^tranthibinh\d*$/);
    expect(password.length).toBeGreaterThanOrEqual(10);
    await screenshot(page, 'admin-account-created');
    // The one-time password is the account's: it logs in, and must change it first.
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: name, password } });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().mustChangePassword).toBe(true);
    await page.getByRole('button', { name: 'Tôi đã lưu lại, đóng' }).click();

    const row = page.locator(`tr[data-username="${name}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Cán bộ một cửa');
    expect(await row.textContent()).toContain('Toàn cơ quan');
    const close = row.getByRole('button', { name: 'Đóng tài khoản' });
    // Destructive actions look different: red.
    expect(await close.getAttribute('class')).toContain('danger');
    await close.click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`Đóng tài khoản ${name}?`);
    await screenshot(page, 'admin-account-close-confirm');
    await confirm.getByRole('button', { name: 'Đóng tài khoản' }).click();
    await expect.poll(() => row.textContent()).toContain('Đã đóng');
    expect(await row.getByRole('button', { name: 'Mở lại' }).count()).toBe(1);
    const closed = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: name, password } });
    expect(closed.statusCode).toBe(403);
    expect(closed.json().error.code).toBe('ACCOUNT_CLOSED');
    await screenshot(page, 'admin-account-closed');
  });

  it('shows a level-2 admin its own agency only, and offers nothing the API would refuse', async () => {
    await openAs('quantri2', '/console/admin-accounts.html');
    await page.locator('tr[data-username="motcua"]').waitFor();
    // Another agency's account is not listed, nor is there an agency to choose.
    expect(await page.locator('tr[data-username="motcua-khac"]').count()).toBe(0);
    expect(await page.locator('#agency-filter-label').isHidden()).toBe(true);
    const agencies = await page.locator('#accounts tbody tr').evaluateAll((rows) => [...new Set(rows.map((r) => r.querySelector('td:nth-child(3)')?.textContent ?? ''))]);
    for (const a of agencies) expect(a).toContain('000.00.01.H22');
    // The national admin's account is not this admin's to manage.
    expect(await page.locator('tr[data-username="quantri"] button').count()).toBe(0);
    expect(await page.locator('tr[data-username="quantri"]').textContent()).toContain('Do quản trị cấp 1 quản lý');
    await page.locator('#create').click();
    expect(await page.locator('#account-fields select[name="agencyCode"]').count()).toBe(0);
    expect(await page.locator('#account-fields input[value="admin"]').count()).toBe(0);
    await screenshot(page, 'admin-level2-accounts');
    await page.locator('#account-cancel').click();

    await page.goto(`${base}/console/admin-agencies.html`);
    await page.locator('tr[data-agency="000.00.01.H22"]').waitFor();
    expect(await page.locator('#agencies tbody tr').count()).toBe(1);
    expect(await page.locator('#page-actions').isHidden()).toBe(true);
    expect(await page.locator('#agencies tbody button').count()).toBe(0);

    await page.goto(`${base}/console/admin-calendar.html`);
    await page.locator('#windows .window-row').first().waitFor();
    expect(await page.locator('#hours-agency-label').isHidden()).toBe(true);
    await page.locator('button.day').first().click();
    expect(await page.locator('#day-readonly').isVisible()).toBe(true);
    expect(await page.locator('#day-preview').isHidden()).toBe(true);
    await screenshot(page, 'admin-level2-calendar');
    await page.locator('#day-close').click();

    await page.goto(`${base}/console/admin-keys.html`);
    await page.locator('#keys tbody tr').first().waitFor();
    // The demo integrator key acts for every agency: a national admin's, not listed here.
    expect(await page.locator('#keys tbody').textContent()).not.toContain('Tất cả cơ quan');

    await page.goto(`${base}/console/admin-access-log.html`);
    await page.locator('#log tbody tr[data-id]').first().waitFor();
    const callers = await page.locator('#log tbody tr[data-id] td:nth-child(2)').allTextContents();
    expect(callers.some((c) => c.includes('000.00.02.H22') || c.includes('toàn quốc'))).toBe(false);
    await screenshot(page, 'admin-level2-access-log');
  });
});

describe('API keys, agencies and the access log', () => {
  it('creates a key shown once, revokes it after a confirmation, and finds the revocation in the access log', async () => {
    await openAs('quantri', '/console/admin-keys.html');
    await page.locator('#keys tbody tr[data-key]').first().waitFor();
    await page.locator('#create-key').click();
    await page.getByLabel('Tên khoá').fill('he-thong-thu');
    await page.locator('#key-agencies input[name="agency"][value="000.00.01.H22"]').check();
    await page.locator('#key-save').click();
    const secret = page.locator('output[data-secret="api-key"]');
    await secret.waitFor();
    const key = (await secret.textContent())!;
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    await screenshot(page, 'admin-key-created');
    await page.getByRole('button', { name: 'Tôi đã lưu lại, đóng' }).click();

    // The new key's webhook subscriptions, through the key itself.
    await page.getByRole('button', { name: 'Xem đăng ký' }).click();
    await expect.poll(() => page.locator('#webhooks-owner').textContent()).toContain('he-thong-thu');
    await expect.poll(() => page.locator('#webhooks tbody').textContent()).toContain('chưa đăng ký webhook nào');

    const row = page.locator('tr[data-key="he-thong-thu"]');
    await row.getByRole('button', { name: 'Thu hồi' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Thu hồi khoá' }).click();
    await expect.poll(() => row.textContent()).toContain('Đã thu hồi');
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key } })).statusCode).toBe(401);

    await page.goto(`${base}/console/admin-access-log.html`);
    await page.locator('#log tbody tr[data-id]').first().waitFor();
    await page.locator('summary').click();
    await page.getByLabel('Thay đổi quản trị').check();
    await page.getByLabel('Tài khoản hoặc khoá').fill('quantri');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await expect.poll(() => page.locator('#log tbody').textContent()).toContain('/revoke');
    const kinds = await page.locator('#log tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['admin']));
    await screenshot(page, 'admin-access-log');

    await page.goto(`${base}/console/admin-agencies.html`);
    await page.locator('tr[data-agency="000.00.02.H22"]').waitFor();
    await screenshot(page, 'admin-agencies');
  });
});

describe("the auditor's history page", () => {
  it('shows a dossier as a timeline, replays it with a verdict and downloads its history', async () => {
    const d = await received();
    await openAs('kiemtoan', '/console/audit.html');
    await page.getByLabel('Mã hồ sơ hoặc mã tiếp nhận').fill(d.code);
    await page.getByRole('button', { name: 'Xem lịch sử' }).click();
    const receipt = page.locator('#timeline li[data-action="receive"]');
    await receipt.waitFor();
    expect(await receipt.textContent()).toContain('Tiếp nhận hồ sơ');
    expect(await receipt.textContent()).toContain(vnTime(d.receivedAt).slice(0, 5));
    expect(await page.locator('#timeline li[data-action="submit"]').textContent()).toContain('Nộp hồ sơ trực tuyến');
    await screenshot(page, 'auditor-timeline');

    await page.getByRole('button', { name: 'Chạy lại lịch sử' }).click();
    const verdict = page.locator('[data-verdict]').first();
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('deterministic');
    expect(await verdict.textContent()).toContain('Khớp hoàn toàn');
    expect(await page.locator('#timeline-title').textContent()).toMatch(/^Dòng thời gian dựng lại \(\d+ bước\)$/);
    expect(await page.locator('#timeline-note').textContent()).toContain('Khớp với hồ sơ đã lưu');
    await screenshot(page, 'auditor-replay');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải tệp lịch sử (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe(`${d.code}.history.json`);
    const history = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { events: unknown[] };
    expect(history.events.length).toBeGreaterThan(5);
    await expect.poll(() => page.locator('#export-status').textContent()).toContain('Đã tải tệp');
  });
});

describe('at a phone’s width', () => {
  it('no page scrolls sideways at 390 px, and every control is at least 44 px high', async () => {
    const d = await received();
    await newPage({ width: 390, height: 844 });
    await openAs('quantri', '/console/admin-accounts.html');
    await page.locator('tr[data-username="motcua"]').waitFor();
    await fitsPhone('accounts');
    await screenshot(page, 'admin-mobile-accounts');
    await page.locator('#create').click();
    await fitsPhone('the account form');
    await page.locator('#account-cancel').click();

    await page.goto(`${base}/console/admin-keys.html`);
    await page.locator('#keys tbody tr[data-key]').first().waitFor();
    await fitsPhone('API keys');
    await screenshot(page, 'admin-mobile-keys');

    await page.goto(`${base}/console/admin-agencies.html`);
    await page.locator('#agencies tbody tr[data-agency]').first().waitFor();
    await fitsPhone('agencies');
    await screenshot(page, 'admin-mobile-agencies');

    await page.goto(`${base}/console/admin-calendar.html`);
    await page.locator('#windows .window-row').first().waitFor();
    await fitsPhone('calendar');
    await screenshot(page, 'admin-mobile-calendar');
    await page.locator('button.day[data-kind="workday"]').first().click();
    await page.getByLabel('Tên gọi').fill('Thử giao diện');
    await page.getByRole('button', { name: 'Xem trước ảnh hưởng' }).click();
    await page.locator('#preview [data-preview-moved]').waitFor();
    await fitsPhone('the day dialog');
    await screenshot(page, 'admin-mobile-calendar-preview');
    await page.locator('#day-close').click();

    await page.goto(`${base}/console/admin-access-log.html`);
    await page.locator('#log tbody tr[data-id]').first().waitFor();
    await fitsPhone('access log');
    await screenshot(page, 'admin-mobile-access-log');

    await newPage({ width: 390, height: 844 });
    await openAs('kiemtoan', `/console/audit.html?code=${encodeURIComponent(d.code)}`);
    await page.locator('#timeline li').first().waitFor();
    await page.getByRole('button', { name: 'Chạy lại lịch sử' }).click();
    await page.locator('[data-verdict]').first().waitFor({ timeout: 60_000 });
    await fitsPhone('audit');
    await screenshot(page, 'auditor-mobile-replay');
  });
});
