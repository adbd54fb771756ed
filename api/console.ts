import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ACTION_BODIES } from '../domain/actions';
import { ACTION_LABELS, OUTCOME_LABELS, ROLE_LABELS, STATUS_LABELS, STEP_LABELS } from '../domain/labels-vi';
import { FINDINGS } from '../domain/verification-findings';
import { TURN, ON_REQUEST } from '../domain/work-queue';
import { DOSSIER_STATUSES } from '../domain/dossier-status';
import { FORM_CODES, FORM_TITLES } from '../documents/vietnamese';

const WEB_ROOT = path.resolve(__dirname, '..', 'web');

/**
 * The web console and the public lookup page: static pages that speak to the JSON API like any
 * other client, so the browser can do nothing the API would not let the same account do.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: path.join(WEB_ROOT, 'console'), prefix: '/console/', redirect: true });
  await app.register(fastifyStatic, { root: path.join(WEB_ROOT, 'lookup'), prefix: '/tra-cuu/assets/', decorateReply: false });

  // The labels the forms print, sent to the browser from the same source, never copied into it.
  const labels = `export const STATUS_LABELS = ${JSON.stringify(STATUS_LABELS)};
export const STATUSES = ${JSON.stringify(DOSSIER_STATUSES)};
export const ACTION_LABELS = ${JSON.stringify(ACTION_LABELS)};
export const ROLE_LABELS = ${JSON.stringify(ROLE_LABELS)};
export const FORMS = ${JSON.stringify(FORM_CODES.map((code) => ({ code, title: FORM_TITLES[code] })))};
export const ACTIONS = ${JSON.stringify(Object.keys(ACTION_BODIES))};
export const STEP_LABELS = ${JSON.stringify(STEP_LABELS)};
export const OUTCOME_LABELS = ${JSON.stringify(OUTCOME_LABELS)};
export const FINDINGS = ${JSON.stringify(FINDINGS)};
export const TURN = ${JSON.stringify(TURN)};
export const ON_REQUEST = ${JSON.stringify(ON_REQUEST)};
`;
  app.get('/console/labels.js', { schema: { hide: true } }, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(labels),
  );

  const chartJs = readFileSync(require.resolve('chart.js').replace(/chart\.cjs$/, 'chart.umd.min.js'));
  app.get('/vendor/chart.umd.min.js', { schema: { hide: true } }, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(chartJs),
  );

  // Browsers ask for it on every page; an empty answer keeps the logs free of 404s.
  app.get('/favicon.ico', { schema: { hide: true } }, (_req, reply) => reply.code(204).send());
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console/'));
  // The QR code on a dossier leads here; the page itself reads the code from the address.
  app.get('/tra-cuu', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html', path.join(WEB_ROOT, 'lookup')));
  app.get('/tra-cuu/:code', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html', path.join(WEB_ROOT, 'lookup')));
  // The citizens' FAQ (seed 000 art. 6.2c), linked from the lookup page; `?agency=` adds that agency's own questions.
  app.get('/hoi-dap', { schema: { hide: true } }, (_req, reply) => reply.sendFile('faq.html', path.join(WEB_ROOT, 'lookup')));
}
