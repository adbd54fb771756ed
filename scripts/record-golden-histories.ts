import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { serviceClient } from '../temporal/client';
import { addEntry, deleteEntry } from '../db/calendar';
import type { DossierState } from '../domain/dossier-state';
import { MINUTE_MS, WorkingCalendar, dayOf, isoDay, weekday } from '../domain/working-time';
import { calendarChangedSignal, stateQuery } from '../workflows/definitions';
import { actors } from '../test/support/actors';
import { application } from '../test/support/fixtures';
import { startStack, type Stack } from '../test/support/stack';
import { workflowDriver } from '../test/support/workflow';
import { buildIdsOf, historyToObject } from '../audit/history-json';

/**
 * Records the golden histories under test/histories/: every path of a dossier's lifecycle, run for
 * real (the real workflow, activities, simulators and PGlite) on the time-skipping test server,
 * which lets the timer paths (payment limit, apology, supplement limit) run in seconds.
 *
 *   npm run record:histories                            # every path
 *   npm run record:histories -- post-delivery           # only the ones named
 *   npm run record:histories -- --keep post-delivery    # keep the old file too, as post-delivery@<build>.json
 *
 * CI replays these files against the current workflow code (test/workflows/golden-histories.test.ts).
 * Re-record only for an intended change that is patched (docs/changing-the-workflow.md),
 * with --keep: the old files stand for the dossiers still open on the old path, which the patched
 * code must go on replaying. Delete a kept file once no open dossier predates its patch.
 */

const OUT = path.join(__dirname, '..', 'test', 'histories');

interface Path {
  name: string;
  description: string;
  run(ctx: Ctx): Promise<WorkflowHandle>;
}

interface Ctx {
  stack: Stack;
  driver: ReturnType<typeof workflowDriver>;
}

/** Advances the test server's clock to just after `instant`. */
async function sleepPast({ stack }: Ctx, instant: string | number): Promise<void> {
  const target = typeof instant === 'number' ? instant : Date.parse(instant);
  const now = await stack.env.currentTimeMs();
  if (target + MINUTE_MS > now) await stack.env.sleep(target + MINUTE_MS - now);
}

async function submitted({ driver }: Ctx, app = application()): Promise<WorkflowHandle> {
  const h = await driver.submit(app);
  await driver.waitFor(h, 'AWAITING_RECEIPT');
  return h;
}

async function appraised(ctx: Ctx, app = application()): Promise<WorkflowHandle> {
  const { act } = ctx.driver;
  const h = await submitted(ctx, app);
  await act(h, 'receive', actors.officer, { note: 'đủ thành phần' });
  await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
  await act(h, 'appraise', actors.appraiser, { outcome: 'pass', note: 'hồ sơ đầy đủ' });
  return h;
}

async function paidOnline(ctx: Ctx): Promise<WorkflowHandle> {
  const { act } = ctx.driver;
  const h = await appraised(ctx);
  await act(h, 'approve', actors.leader, { note: 'đồng ý' });
  await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-GOLDEN' });
  return h;
}

export const PATHS: Path[] = [
  {
    name: 'post-delivery',
    description: 'submitted, received, assigned, appraised, approved, paid online, shipped and delivered by post',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await paidOnline(ctx);
      const { shipment } = await act(h, 'ship', actors.officer, {});
      await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: shipment!.trackingNumber });
      return h;
    },
  },
  {
    name: 'counter-hand-over',
    description: 'paid at the counter and handed over at the counter',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await appraised(ctx, application({ delivery: 'counter' }));
      await act(h, 'approve', actors.leader, {});
      await act(h, 'record-payment', actors.accountant, { amount: 135_000, method: 'counter', transactionRef: 'BL-GOLDEN' });
      await act(h, 'hand-over', actors.officer, { note: 'công dân nhận trực tiếp' });
      return h;
    },
  },
  {
    name: 'supplement-then-delivered',
    description: 'an expired health certificate supplemented at intake, then sent back once from approval, and delivered by post',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await submitted(ctx, application({ citizenSuffix: '9002' }));
      await act(h, 'request-supplement', actors.officer, { items: [{ name: 'Giấy khám sức khỏe', reason: 'đã hết hạn' }] });
      await act(h, 'supplement', actors.integrator, { documents: [{ name: 'Giấy khám sức khỏe', reference: 'GKSK-NEW' }] });
      await act(h, 'receive', actors.officer, {});
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
      await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
      await act(h, 'send-back', actors.leader, { reason: 'kiểm tra lại ảnh' });
      await act(h, 'appraise', actors.appraiser, { outcome: 'pass', note: 'ảnh hợp lệ' });
      await act(h, 'approve', actors.leader, {});
      await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-SUPP' });
      const { shipment } = await act(h, 'ship', actors.officer, {});
      await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: shipment!.trackingNumber });
      return h;
    },
  },
  {
    name: 'appraisal-supplement-paused',
    description: 'a supplement requested during appraisal pauses the clock for three days; the appointment moves; withdrawn afterwards',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await submitted(ctx);
      await act(h, 'receive', actors.officer, {});
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
      await act(h, 'appraise', actors.appraiser, { outcome: 'supplement', items: [{ name: 'Ảnh chân dung', reason: 'mờ' }] });
      await ctx.stack.env.sleep('3 days');
      await act(h, 'supplement', actors.integrator, { documents: [{ name: 'Ảnh chân dung', reference: 'IMG-2' }] });
      await act(h, 'withdraw', actors.integrator, { reason: 'đi công tác' });
      return h;
    },
  },
  {
    name: 'intake-refusal',
    description: 'an unresolved traffic violation found at verification; refused at intake',
    async run(ctx) {
      const h = await submitted(ctx, application({ citizenSuffix: '9004' }));
      await ctx.driver.act(h, 'refuse', actors.officer, { reasons: ['Còn quyết định xử phạt chưa chấp hành'] });
      return h;
    },
  },
  {
    name: 'appraisal-refusal',
    description: 'refused by the appraiser: STOPPED',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await submitted(ctx);
      await act(h, 'receive', actors.officer, {});
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
      await act(h, 'appraise', actors.appraiser, { outcome: 'refuse', reasons: ['GPLX đã bị thu hồi'] });
      return h;
    },
  },
  {
    name: 'withdrawal',
    description: 'withdrawn by the citizen before receipt',
    async run(ctx) {
      const h = await submitted(ctx);
      await ctx.driver.act(h, 'withdraw', actors.integrator, { reason: 'không có nhu cầu' });
      return h;
    },
  },
  {
    name: 'payment-time-limit',
    description: 'the fee not paid: a reminder one working day before the limit, then STOPPED by the timer',
    async run(ctx) {
      const h = await appraised(ctx);
      const waiting = await ctx.driver.act(h, 'approve', actors.leader, {});
      await sleepPast(ctx, waiting.paymentDue!.dueAt);
      await ctx.driver.waitFor(h, 'STOPPED');
      return h;
    },
  },
  {
    name: 'supplement-time-limit',
    description: 'a supplement requested at intake and never supplied: STOPPED after 30 days',
    async run(ctx) {
      const h = await submitted(ctx);
      await ctx.driver.act(h, 'request-supplement', actors.officer, { items: [{ name: 'Giấy khám sức khỏe', reason: 'hết hạn' }] });
      await ctx.stack.env.sleep('31 days');
      await ctx.driver.waitFor(h, 'STOPPED');
      return h;
    },
  },
  {
    name: 'apology-reschedule',
    description: 'no result one working day before the appointment: apology, a new appointment, then late; finished at the counter',
    async run(ctx) {
      const { act, until } = ctx.driver;
      const h = await submitted(ctx, application({ delivery: 'counter' }));
      const s = await act(h, 'receive', actors.officer, {});
      const cal = new WorkingCalendar(s.calendar!);
      await sleepPast(ctx, cal.subtractWorkingTime(Date.parse(s.dueAt!), cal.dayWork));
      await until(h, (x) => x.apology !== undefined, 'flagged for apology');
      const newDueAt = new Date(Date.parse(s.dueAt!) + 3 * 86_400_000).toISOString();
      await act(h, 'reschedule', actors.leader, { reason: 'chờ xác minh của Công an', newDueAt });
      await sleepPast(ctx, newDueAt);
      await until(h, (x) => x.late, 'late');
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
      await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
      await act(h, 'approve', actors.leader, {});
      await act(h, 'record-payment', actors.accountant, { amount: 135_000, method: 'counter', transactionRef: 'BL-LATE' });
      await act(h, 'hand-over', actors.officer, {});
      return h;
    },
  },
  {
    name: 'failed-delivery-counter',
    description: 'the post could not deliver: back to RESULT_READY, then handed over at the counter',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await paidOnline(ctx);
      const { shipment } = await act(h, 'ship', actors.officer, {});
      await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: shipment!.trackingNumber, outcome: 'failed', note: 'không liên lạc được' });
      await act(h, 'hand-over', actors.officer, {});
      return h;
    },
  },
  {
    name: 'holiday-added',
    description: 'a holiday added while the dossier is open (the calendarChanged signal): the appointment moves; then withdrawn',
    async run(ctx) {
      const { act, until } = ctx.driver;
      const h = await submitted(ctx);
      const s = await act(h, 'receive', actors.officer, {});
      const cal = new WorkingCalendar(s.calendar!);
      let day = dayOf(Date.parse(s.receivedAt!)) + 1;
      while (!(cal.isWorkingDay(day) && weekday(day) >= 1 && weekday(day) <= 5)) day++;
      const date = isoDay(day);
      await addEntry(ctx.stack.database.db, { date, kind: 'holiday', name: 'Nghỉ lễ (ghi lịch sử mẫu)', source: 'golden history' }, 'golden');
      try {
        await h.signal(calendarChangedSignal, { cause: `holiday ${date} added` });
        await until(h, (x) => x.dueAt !== s.dueAt, 'moved');
      } finally {
        await deleteEntry(ctx.stack.database.db, date, 'golden');
      }
      await act(h, 'withdraw', actors.integrator, { reason: 'không còn nhu cầu' });
      return h;
    },
  },
  {
    name: 'no-health-certificate',
    description: 'a class A1 licence needs no health certificate (no registry call for it); paid at the counter and handed over',
    async run(ctx) {
      const { act } = ctx.driver;
      const h = await appraised(ctx, application({ licenceClass: 'A1', delivery: 'counter' }));
      await act(h, 'approve', actors.leader, {});
      await act(h, 'record-payment', actors.accountant, { amount: 135_000, method: 'counter', transactionRef: 'BL-A1' });
      await act(h, 'hand-over', actors.officer, {});
      return h;
    },
  },
  {
    name: 'services-down',
    description:
      'the health registry down during verification (finding "unavailable"), the payment gateway down at the first approval ' +
      '(refused, the dossier unchanged), re-assigned, approved at the second try, paid online and delivered by post',
    async run(ctx) {
      const { act } = ctx.driver;
      const { faults } = ctx.stack.simulators;
      faults.inject({ service: 'health-registry', mode: 'error', count: 1000 });
      const h = await ctx.driver.submit();
      // Skips the registry's retry backoff on the test server; it then gives up and the finding is 'unavailable'.
      await ctx.stack.env.sleep('5 minutes');
      await ctx.driver.waitFor(h, 'AWAITING_RECEIPT');
      faults.clear();
      await act(h, 'receive', actors.officer, {});
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh2' });
      await act(h, 'appraise', actors.otherAppraiser, { outcome: 'pass' });
      faults.inject({ service: 'payment-gateway', mode: 'error', count: 1000 });
      const refused = act(h, 'approve', actors.leader, {}).then(
        () => {
          throw new Error('approve succeeded with the payment gateway down');
        },
        (err: unknown) => err,
      );
      // The fee-notice activity's retries and its 30 s schedule-to-close bound, skipped.
      await ctx.stack.env.sleep('2 minutes');
      await refused;
      faults.clear();
      await act(h, 'approve', actors.leader, { note: 'cổng thanh toán đã hoạt động lại' });
      await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-RETRY' });
      const { shipment } = await act(h, 'ship', actors.officer, {});
      await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: shipment!.trackingNumber });
      return h;
    },
  },
  {
    name: 'verification-recheck',
    description:
      'the traffic-police registry down at verification (finding "unavailable", a re-check owed): received and appraised meanwhile, ' +
      'approval refused while the check is owed, re-checked at once by the officer while still down, then answered by the background ' +
      're-check once the registry is back; approved, paid online and delivered by post',
    async run(ctx) {
      const { act } = ctx.driver;
      const { faults } = ctx.stack.simulators;
      faults.inject({ service: 'police-registry', mode: 'error', count: 1000 });
      const h = await ctx.driver.submit();
      await ctx.stack.env.sleep('5 minutes');
      await ctx.driver.waitFor(h, 'AWAITING_RECEIPT');
      await act(h, 'receive', actors.officer, {});
      await act(h, 'assign', actors.leader, { appraiser: 'thamdinh' });
      await act(h, 'appraise', actors.appraiser, { outcome: 'pass' });
      const refused = await act(h, 'approve', actors.leader, {}).then(
        () => false,
        () => true,
      );
      if (!refused) throw new Error('approve succeeded while a registry check was owed');
      await act(h, 'recheck-verification', actors.officer, {});
      faults.clear();
      await ctx.stack.env.sleep('1 hour');
      await ctx.driver.until(h, (s) => s.verification.recheck?.pending === false, 'answered by the background re-check');
      await act(h, 'approve', actors.leader, {});
      await act(h, 'record-payment', actors.integrator, { amount: 135_000, method: 'online', transactionRef: 'PG-RECHECK' });
      const { shipment } = await act(h, 'ship', actors.officer, {});
      await act(h, 'confirm-delivery', actors.integrator, { trackingNumber: shipment!.trackingNumber });
      return h;
    },
  },
];

/** What CI checks each replay against: the timeline the live run ended with. */
export interface GoldenManifestEntry {
  file: string;
  description: string;
  workflowId: string;
  events: number;
  workerBuildIds: string[];
  /** The key its payloads are encrypted with (test/histories/payload-test-key), absent for histories recorded before encryption. */
  payloadKeyId?: string;
  finalStatus: string;
  transitions: { action: string; to: string; username: string; at: string }[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const only = args.filter((a) => a !== '--keep');
  const unknown = only.filter((n) => !PATHS.some((p) => p.name === n));
  if (unknown.length) throw new Error(`unknown path(s): ${unknown.join(', ')}; known: ${PATHS.map((p) => p.name).join(', ')}`);
  mkdirSync(OUT, { recursive: true });
  const manifestPath = path.join(OUT, 'manifest.json');
  let manifest: Record<string, GoldenManifestEntry> = {};
  if (existsSync(manifestPath)) manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, GoldenManifestEntry>;
  const chosen = PATHS.filter((x) => only.length === 0 || only.includes(x.name));
  if (keep) {
    for (const p of chosen) {
      const old = manifest[p.name];
      if (!old) continue;
      const name = `${p.name}@${(old.workerBuildIds.at(-1) ?? 'unknown').replace(/^bundle-sha256:/, '').replace(/[^\w.-]/g, '_').slice(0, 12)}`;
      renameSync(path.join(OUT, old.file), path.join(OUT, `${name}.json`));
      manifest[name] = { ...old, file: `${name}.json` };
      console.log(`kept ${old.file} as ${name}.json`);
    }
  }
  const stack = await startStack('time-skipping');
  const ctx: Ctx = { stack, driver: workflowDriver(() => stack) };
  // The test environment's own client lets time skip while it waits for a result, and the server then
  // jumps years ahead; a plain client waits in real time (the workflow has no timer left by then).
  const plain = serviceClient(stack.env.connection, stack.env.namespace ?? 'default', stack.keyring);
  try {
    for (const p of chosen) {
      const h = await p.run(ctx);
      const closed = plain.workflow.getHandle(h.workflowId);
      await closed.result();
      // The workflow returns a small outcome; its whole state is a query away (a worker replays it).
      const final: DossierState = await closed.query(stateQuery);
      const history = await closed.fetchHistory();
      const file = `${p.name}.json`;
      // One event per line: small enough to commit, and a diff shows which events changed.
      const { events } = historyToObject(history);
      writeFileSync(path.join(OUT, file), `{"events":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`);
      manifest[p.name] = {
        file,
        description: p.description,
        workflowId: h.workflowId,
        events: events.length,
        workerBuildIds: buildIdsOf(history),
        payloadKeyId: stack.keyring.activeKeyId,
        finalStatus: final.status,
        transitions: final.transitions.map((t) => ({ action: t.action, to: t.to, username: t.actor.username, at: t.at })),
      };
      console.log(`${file}: ${events.length} events, ${final.status}`);
    }
  } finally {
    await stack.stop();
    // Also after a failed path: the files written so far are in the manifest. The paths in their order, then kept recordings.
    const order = [...PATHS.map((p) => p.name), ...Object.keys(manifest).filter((k) => !PATHS.some((p) => p.name === k)).sort()];
    const sorted = Object.fromEntries(order.filter((k) => manifest[k]).map((k) => [k, manifest[k]!]));
    writeFileSync(manifestPath, `${JSON.stringify(sorted, null, 2)}\n`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
