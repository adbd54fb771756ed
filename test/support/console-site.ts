import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildTestApp } from './api';
import { launchChromium } from './browser';
import { freePort } from './ports';
import { startStack, type Stack } from './stack';

/** What a browser test drives: a dev-server stack, the API listening on a port of its own, and Chromium. */
export interface ConsoleSite {
  stack: Stack;
  app: FastifyInstance;
  /** Where the pages are served; the public base URL too, so the QR codes lead here. */
  base: string;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startConsoleSite(): Promise<ConsoleSite> {
  const stack = await startStack('dev-server');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await buildTestApp(stack, undefined, {}, { publicBaseUrl: base });
  await app.listen({ host: '127.0.0.1', port });
  const browser = await launchChromium();
  return {
    stack,
    app,
    base,
    browser,
    async stop() {
      await browser.close();
      await app.close();
      await stack.stop();
    },
  };
}
