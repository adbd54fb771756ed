import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', 'artifacts', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // A container has no user namespaces for the sandbox, no GPU and a small /dev/shm.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Logs in through the console's own login page, as an officer would. `landing`: the page the role
 * must land on; by default any console page (each role has its own, web/console/api.js); '' waits for nothing.
 */
export async function logIn(page: Page, base: string, username: string, password = 'demo', landing?: string): Promise<void> {
  await page.goto(`${base}/console/login.html`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  if (landing) await page.waitForURL(landing);
  else if (landing === undefined) await page.waitForURL((u) => u.pathname.startsWith('/console/') && !u.pathname.endsWith('/login.html'));
}

/**
 * Words that would mean an untranslated text reached a Vietnamese page: English function words,
 * the API's machine names, a script's leftovers. Proper names and codes never match.
 */
const ENGLISH = /\b(the|is|not|and|of|dossier|agency|assigned|error|undefined|null|NaN|Invalid Date|AWAITING_[A-Z_]+|IN_APPRAISAL|RECEIVED|DELIVERED|RESULT_READY|SHIPPED|REFUSED_AT_INTAKE)\b/;

/** Everything the page shows a person is Vietnamese. */
export async function expectVietnameseOnly(p: Page): Promise<void> {
  const text = await p.locator('body').innerText();
  expect(text.match(ENGLISH)?.[0], `an English word on ${p.url()}`).toBeUndefined();
}

/** The page is no wider than its window: nothing to scroll sideways on a phone. */
export async function expectNoSidewaysScroll(p: Page): Promise<void> {
  const [scroll, inner] = (await p.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
  expect(scroll, `${p.url()} is ${scroll}px wide in a ${inner}px window`).toBeLessThanOrEqual(inner);
}
