import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, buildTestApp } from '../support/api';
import { launchChromium, logIn, screenshot } from '../support/browser';
import { application } from '../support/fixtures';
import { freePort } from '../support/ports';
import { startStack, type Stack } from '../support/stack';

/**
 * The Temporal Web UI shows a dossier's history decoded to an auditor, through the API's codec
 * endpoint and the auditor's own login, and encrypted to everyone else (issue 10).
 */

let stack: Stack;
let app: FastifyInstance;
let browser: Browser;
let api: string;
let ui: string;
let reference: string;
const citizen = application({ citizenSuffix: '4242' });

beforeAll(async () => {
  const [apiPort, uiPort] = [await freePort(), await freePort()];
  api = `http://127.0.0.1:${apiPort}`;
  ui = `http://127.0.0.1:${uiPort}`;
  // As the embedded default starts it: the UI's codec endpoint is the API's.
  stack = await startStack('dev-server', { ui: { port: uiPort, codecEndpoint: `${api}/codec` } });
  app = await buildTestApp(stack, undefined, {}, { temporalUiOrigins: [ui] });
  await app.listen({ host: '127.0.0.1', port: apiPort });
  browser = await launchChromium();
  reference = (await Caller.integrator(app).submit(citizen)).json<{ reference: string }>().reference;
  await (await Caller.staff(app, 'motcua')).waitFor(reference, 'AWAITING_RECEIPT');
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await stack?.stop();
});

/** The UI's own codec settings, as an auditor sets them once in the browser: the API's endpoint, with the login's cookie. */
async function useCodecWithLogin(page: Page): Promise<void> {
  await page.getByTestId('data-encoder-status-error').click();
  await page.getByTestId('use-local-endpoint-input').check();
  await page.locator('#data-encoder-endpoint-input').fill(`${api}/codec`);
  await page.getByTestId('data-encoder-include-credentials').click();
  await expect(page.locator('#pass-access-credentials').isChecked()).resolves.toBe(true);
  await page.getByRole('button', { name: 'Apply' }).click();
}

const inputPanel = (page: Page) => page.locator('main').getByText('citizenId', { exact: false }).first();

describe('the Temporal Web UI', () => {
  it('shows an auditor the dossier decoded, through the codec endpoint and the auditor’s login', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await logIn(page, api, 'kiemtoan');
    await page.goto(`${ui}/namespaces/default/workflows/${reference}`);
    await expect.poll(() => page.getByTestId('data-encoder-status-error').count(), { timeout: 20_000 }).toBe(1);
    // Before: the UI's call carries no credentials, the API refuses it, the input stays sealed.
    expect(await page.content()).not.toContain(citizen.applicant.citizenId);
    await screenshot(page, 'temporal-ui-encrypted');
    await useCodecWithLogin(page);
    await page.reload();
    await expect.poll(async () => (await page.content()).includes(citizen.applicant.citizenId), { timeout: 20_000 }).toBe(true);
    await expect(inputPanel(page).isVisible()).resolves.toBe(true);
    await screenshot(page, 'temporal-ui-decoded-for-auditor');
    await page.close();
  });

  it('shows anyone else only what Temporal stores: ciphertext', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await logIn(page, api, 'motcua');
    await page.goto(`${ui}/namespaces/default/workflows/${reference}`);
    await expect.poll(() => page.getByTestId('data-encoder-status-error').count(), { timeout: 20_000 }).toBe(1);
    await useCodecWithLogin(page);
    await page.reload();
    await page.waitForTimeout(3000);
    expect(await page.content()).not.toContain(citizen.applicant.citizenId);
    await screenshot(page, 'temporal-ui-sealed-for-officer');
    await page.close();
  });
});
