import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordDossier } from '../../db/dossier-record';
import type { DossierState } from '../../domain/dossier-state';
import { RENEWAL_PROCEDURE } from '../../domain/procedure';
import { Caller } from '../support/api';
import { expectVietnameseOnly, logIn, screenshot } from '../support/browser';
import { application } from '../support/fixtures';
import type { Stack } from '../support/stack';
import { startConsoleSite, type ConsoleSite } from '../support/console-site';

/**
 * The citizen's pages in Debian's Chromium: the lookup explaining the appointment, the rating of a
 * delivered dossier (once), the FAQ reached from the lookup, all usable on a 390 px phone.
 */

let site: ConsoleSite | undefined;
let stack: Stack;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let portal: Caller, officer: Caller, leader: Caller, appraiser: Caller;

const local = (s: string) => new Date(Date.parse(`${s}+07:00`)).toISOString();

/** Received the Friday before Tết 2026 at 10:00, as its workflow would have recorded it. */
const form = { ...application({ citizenSuffix: '7801' }), agencyCode: '000.00.01.H22' };
const BEFORE_TET: DossierState = {
  reference: 'SUB-CITIZENWEB000000000001',
  code: '000.00.01.H22-260213-9801',
  agencyCode: form.agencyCode,
  status: 'RECEIVED',
  procedure: RENEWAL_PROCEDURE,
  application: form,
  submittedAt: local('2026-02-13T09:00:00'),
  receivedAt: local('2026-02-13T10:00:00'),
  clock: { receivedAt: local('2026-02-13T10:00:00'), budgetDays: 5, pauses: [] },
  dueAt: local('2026-02-27T10:00:00'),
  verification: {},
  paused: false,
  late: false,
  steps: [],
  transitions: [],
};

beforeAll(async () => {
  site = await startConsoleSite();
  ({ stack, app, base, browser } = site);
  portal = Caller.integrator(app);
  [officer, leader, appraiser] = await Promise.all([Caller.staff(app, 'motcua'), Caller.staff(app, 'lanhdao'), Caller.staff(app, 'thamdinh')]);
  await recordDossier(stack.database.db, BEFORE_TET, 1);
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

/** A dossier taken through the real workflow to its delivery by post; its code and the last 4 digits of its citizen ID. */
let citizen = 0;
async function deliveredDossier(): Promise<{ code: string; last4: string }> {
  const last4 = String(7810 + citizen++);
  const res = await portal.submit(application({ citizenSuffix: last4 }));
  expect(res.statusCode, res.body).toBe(201);
  const { reference } = res.json<{ reference: string }>();
  await officer.waitFor(reference, 'AWAITING_RECEIPT');
  const { code } = await officer.ok(reference, 'receive', {});
  await leader.ok(code, 'assign', { appraiser: 'thamdinh' });
  await appraiser.ok(code, 'appraise', { outcome: 'pass' });
  await leader.ok(code, 'approve', {});
  await portal.ok(code, 'record-payment', { amount: 135000, method: 'online', transactionRef: 'PG-WEB-FB' });
  const { shipment } = await officer.ok(code, 'ship');
  await portal.ok(code, 'confirm-delivery', { trackingNumber: shipment.trackingNumber });
  return { code: code as string, last4 };
}

const text = async (p: Page, selector: string) => (await p.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
const noSidewaysScroll = (p: Page) => p.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
/** Controls smaller than 44 px a finger cannot hit reliably (links inside a sentence aside). */
const smallTargets = (p: Page) =>
  p.evaluate(`[...document.querySelectorAll('button, input, select, textarea, summary, label.choice, nav a')]
    .filter((e) => e.offsetParent !== null && !(e.type === 'radio' && e.closest('label.choice')))
    .map((e) => [e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || e.name || '').trim().slice(0, 30), Math.round(e.getBoundingClientRect().height)])
    .filter(([, h]) => h < 44)`);

describe('the public lookup page', () => {
  it('explains why the appointment of a dossier received before Tết falls on 27/02/2026', async () => {
    await page.goto(`${base}/tra-cuu/${BEFORE_TET.code}`);
    await expect.poll(() => page.locator('#explanation').isVisible()).toBe(true);
    expect(await page.locator('[data-fact="status"]').textContent()).toBe('Đã tiếp nhận');
    const explanation = await text(page, '#explanation');
    expect(explanation).toContain('Vì sao hẹn trả kết quả vào ngày này?');
    expect(explanation).toContain('Thời hạn giải quyết hồ sơ là 5 ngày làm việc');
    expect(await text(page, '[data-explain="start"]')).toBe('Hồ sơ được tiếp nhận lúc 10:00 thứ Sáu, 13/02/2026; thời hạn được tính ngay từ lúc đó.');
    expect(await text(page, '[data-explain="skipped"]')).toBe(
      'Không tính: 2 ngày thứ Bảy, 2 ngày Chủ nhật; 5 ngày nghỉ lễ, Tết, nghỉ bù (Tết Nguyên đán (29 tháng Chạp); Tết Nguyên đán (mùng 1); Tết Nguyên đán (mùng 2); Tết Nguyên đán (mùng 3); Tết Nguyên đán (mùng 4)).',
    );
    expect(await text(page, '[data-explain="due"]')).toBe('Vì vậy, ngày hẹn trả kết quả là 10:00 thứ Sáu, 27/02/2026.');
    // Each day, counted or not, with the holiday table's name.
    expect(await text(page, 'li[data-date="2026-02-17"]')).toBe('Thứ Ba, 17/02/2026 Nghỉ lễ, Tết: không tính (Tết Nguyên đán (mùng 1))');
    expect(await text(page, 'li[data-date="2026-02-13"]')).toBe('Thứ Sáu, 13/02/2026 Ngày làm việc: tính 5 giờ');
    expect(await text(page, 'li[data-date="2026-02-23"]')).toBe('Thứ Hai, 23/02/2026 Ngày làm việc: tính cả ngày');
    expect(await text(page, 'li[data-date="2026-02-22"]')).toBe('Chủ nhật, 22/02/2026 Chủ nhật: không tính');
    expect(await page.locator('ol.days li').count()).toBe(15);
    // A received dossier offers no rating; the page shows nothing personal.
    expect(await page.locator('#feedback').isVisible()).toBe(false);
    const all = (await page.content()) + (await page.locator('body').innerText());
    for (const personal of [form.applicant.fullName, form.applicant.citizenId, form.applicant.phone, form.applicant.address]) expect(all).not.toContain(personal);
    await expectVietnameseOnly(page);
    await screenshot(page, 'citizen-lookup-explanation');
  });

  it('takes a rating of a delivered dossier once, from whoever knows the citizen ID’s last 4 digits: 4 with a comment, thanks, and no second rating', async () => {
    const { code, last4 } = await deliveredDossier();
    await page.goto(`${base}/tra-cuu/${code}`);
    await expect.poll(() => page.locator('#feedback-form').isVisible()).toBe(true);
    expect(await page.locator('[data-fact="status"]').textContent()).toBe('Đã trả kết quả');
    // Sending without choosing says what is missing, in Vietnamese.
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    expect(await text(page, '#feedback-error')).toBe('Vui lòng chọn một mức đánh giá từ 1 đến 5.');
    await page.getByLabel('4 – Hài lòng').check();
    const comment = 'Nhận giấy phép qua bưu điện đúng hẹn, rất tiện.';
    await page.getByLabel('Góp ý thêm (không bắt buộc, tối đa 1000 ký tự)').fill(comment);
    expect(await text(page, '#comment-count')).toBe(`${comment.length}/1000`);
    // The citizen ID's last 4 digits: asked for, checked by the server, never kept.
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    expect(await text(page, '#feedback-error')).toBe('Vui lòng nhập đúng 4 chữ số cuối của số định danh cá nhân (CCCD) của người nộp hồ sơ.');
    const digits = page.getByLabel('4 số cuối số định danh cá nhân (CCCD)');
    expect(await page.evaluate('document.activeElement.id')).toBe('citizen-id-last4');
    expect(await digits.getAttribute('inputmode')).toBe('numeric');
    expect(await text(page, '#citizen-id-last4-note')).toContain('không được lưu lại');
    // A wrong try first: the API's Vietnamese answer, and the form stays for another try.
    await digits.fill(last4 === '0000' ? '1111' : '0000');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect.poll(() => text(page, '#feedback-error')).toBe('Bốn số cuối số định danh không khớp với hồ sơ.');
    expect(await page.locator('#feedback-form').isVisible()).toBe(true);
    expect(await page.evaluate('document.activeElement.id')).toBe('citizen-id-last4');
    await digits.fill(last4);
    await screenshot(page, 'citizen-feedback-form');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect.poll(() => page.locator('#feedback-thanks').isVisible()).toBe(true);
    expect(await text(page, '#feedback-thanks')).toBe('Cảm ơn bạn đã đánh giá! Ý kiến của bạn giúp cơ quan phục vụ tốt hơn.');
    expect(await page.locator('#feedback-form').isVisible()).toBe(false);
    await expectVietnameseOnly(page);
    await screenshot(page, 'citizen-feedback-thanks');

    // Back later: rated already, no form; the API says the same to a second try.
    await page.reload();
    await expect.poll(() => page.locator('#feedback-done').isVisible()).toBe(true);
    expect(await text(page, '#feedback-done')).toBe('Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.');
    expect(await page.locator('#feedback-form').isVisible()).toBe(false);
    const second = await page.evaluate(`fetch('/api/v1/public/dossiers/${code}/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rating: 1, citizenIdLast4: '${last4}' }) }).then(async (r) => [r.status, (await r.json()).error.code])`);
    expect(second).toEqual([409, 'FEEDBACK_ALREADY_GIVEN']);

    // The rating counts on the supervisor's dashboard.
    await logIn(page, base, 'giamsat', 'demo', `${base}/console/`);
    await expect.poll(() => page.locator('[data-kpi="feedbackCount"] .value').textContent()).not.toBe('0');
    await expect.poll(() => page.locator('[data-kpi="feedbackAverage"] .value').textContent()).toMatch(/^\d(,\d)?$/);
    await screenshot(page, 'citizen-feedback-on-dashboard');
  });

  it('leads to the FAQ, which answers the common questions', async () => {
    await page.goto(`${base}/tra-cuu/${BEFORE_TET.code}`);
    await expect.poll(() => page.locator('#result').isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Câu hỏi thường gặp' }).first().click();
    await page.waitForURL(`**/hoi-dap?agency=000.00.01.H22`);
    await expect.poll(() => page.locator('#faq details').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('h1').textContent()).toBe('Câu hỏi thường gặp');
    expect(await page.locator('#loading').isVisible()).toBe(false);
    const fee = page.locator('#faq details', { hasText: 'Lệ phí đổi giấy phép lái xe' });
    await fee.locator('summary').click();
    await expect.poll(() => fee.locator('.answer').isVisible()).toBe(true);
    expect(await fee.locator('.answer').textContent()).toContain('135.000 đồng');
    await expectVietnameseOnly(page);
    await screenshot(page, 'citizen-faq');
    await page.getByRole('link', { name: 'Tra cứu hồ sơ' }).first().click();
    await page.waitForURL(`${base}/tra-cuu`);
  });
});

describe('on a phone (390 × 844)', () => {
  it('neither the lookup nor the FAQ page scrolls sideways, and every control is big enough to touch', async () => {
    const { code } = await deliveredDossier();
    const phone = await browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      const p = await phone.newPage();
      await p.goto(`${base}/tra-cuu`);
      // The empty state says what to do.
      expect(await text(p, '#empty')).toMatch(/^Nhập mã hồ sơ/);
      expect(await noSidewaysScroll(p)).toBe(true);

      await p.goto(`${base}/tra-cuu/${BEFORE_TET.code}`);
      await expect.poll(() => p.locator('#explanation').isVisible()).toBe(true);
      expect(await noSidewaysScroll(p)).toBe(true);
      expect(await smallTargets(p)).toEqual([]);
      await screenshot(p, 'citizen-phone-lookup-explanation');

      await p.goto(`${base}/tra-cuu/${code}`);
      await expect.poll(() => p.locator('#feedback-form').isVisible()).toBe(true);
      expect(await noSidewaysScroll(p)).toBe(true);
      expect(await smallTargets(p)).toEqual([]);
      // Keyboard focus is visible: an outline on the focused control.
      await p.locator('#comment').focus();
      await p.keyboard.press('Shift+Tab');
      const outline = await p.evaluate('getComputedStyle(document.activeElement).outlineStyle');
      expect(outline).not.toBe('none');
      await screenshot(p, 'citizen-phone-feedback');

      await p.goto(`${base}/hoi-dap?agency=000.00.01.H22`);
      await expect.poll(() => p.locator('#faq details').count()).toBeGreaterThanOrEqual(5);
      await p.locator('#faq summary').first().click();
      expect(await noSidewaysScroll(p)).toBe(true);
      expect(await smallTargets(p)).toEqual([]);
      await screenshot(p, 'citizen-phone-faq');
    } finally {
      await phone.close();
    }
  });
});

describe("the admins' FAQ page", () => {
  it('lets a level-2 admin add, change and delete its agency’s questions, which the public page then shows; national ones are not its to edit', async () => {
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await logIn(page, base, 'quantri2', 'demo', '');
    await page.waitForURL((url) => !url.pathname.endsWith('/login.html'));
    await page.goto(`${base}/console/admin-faq.html`);
    await expect.poll(() => page.locator('#faq tbody tr[data-faq]').count()).toBeGreaterThanOrEqual(5);
    // The seeded national questions: read only for an agency's admin.
    const national = page.locator('#faq tbody tr[data-scope="national"]').first();
    expect(await national.locator('button').count()).toBe(0);
    expect(await national.innerText()).toContain('Do quản trị cấp 1 cập nhật');

    await page.getByRole('button', { name: 'Thêm câu hỏi' }).click();
    const dialog = page.locator('#faq-dialog');
    // Only its own agency to choose: no national scope.
    expect(await dialog.locator('select[name="agencyCode"] option').allTextContents()).toEqual([expect.stringContaining('000.00.01.H22')]);
    await dialog.getByRole('textbox', { name: /^Câu hỏi/ }).fill('Bộ phận một cửa có làm việc thứ Bảy không?');
    await dialog.getByRole('textbox', { name: /^Câu trả lời/ }).fill('Chỉ vào các thứ Bảy làm bù theo thông báo của Chính phủ.');
    await dialog.getByRole('spinbutton', { name: /^Thứ tự/ }).fill('3');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe('Đã thêm câu hỏi.');
    const row = page.locator('#faq tbody tr', { hasText: 'Bộ phận một cửa có làm việc thứ Bảy không?' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-scope')).toBe('000.00.01.H22');
    await expectVietnameseOnly(page);
    await screenshot(page, 'citizen-admin-faq');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'citizen-phone-admin-faq');
    await page.setViewportSize({ width: 1280, height: 900 });

    await row.getByRole('button', { name: 'Sửa' }).click();
    await dialog.getByRole('textbox', { name: /^Câu trả lời/ }).fill('Chỉ vào các thứ Bảy làm bù.');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe('Đã lưu thay đổi của câu hỏi.');
    await expect.poll(() => row.innerText()).toContain('Chỉ vào các thứ Bảy làm bù.');

    const citizen = await context.newPage();
    await citizen.goto(`${base}/hoi-dap?agency=000.00.01.H22`);
    await expect.poll(() => citizen.locator('#faq details', { hasText: 'Bộ phận một cửa có làm việc thứ Bảy không?' }).count()).toBe(1);
    await citizen.close();

    await row.getByRole('button', { name: 'Xoá' }).click();
    await page.getByRole('button', { name: 'Xoá câu hỏi' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe('Đã xoá câu hỏi.');
    await expect.poll(() => row.count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('the Content Security Policy', () => {
  it('lets the lookup with its explanation and rating, the FAQ and the admins’ FAQ page run without a violation', async () => {
    const { code } = await deliveredDossier();
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
    await visit(`${base}/tra-cuu/${BEFORE_TET.code}`, 'ol.days li');
    await visit(`${base}/tra-cuu/${code}`, '#feedback-form');
    await visit(`${base}/hoi-dap`, '#faq details');
    await logIn(page, base, 'quantri', 'demo', '');
    await page.waitForURL((url) => !url.pathname.endsWith('/login.html'));
    await visit(`${base}/console/admin-faq.html`, '#faq tbody tr[data-faq]');
    expect(violations).toEqual([]);
  });
});
