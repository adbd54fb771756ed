/**
 * bench/webhooks: N dossiers in flight through the whole lifecycle over HTTP (the embedded default
 * in its own process, a real Temporal dev server), with one webhook subscription receiving every
 * status change at a receiver in this process. Prints webhook deliveries per second, the lag from
 * a status change (the transition's recorded time) to its delivery (p50/p99), and checks every
 * message arrived once per dossier in order.
 *
 *   npm run bench:webhooks -- [--n 200] [--concurrency 200]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_INTEGRATOR_KEY, arg, benchApplication, login, pool, sleep, startBenchService } from './support';

const N = arg('n', 200);
const CONCURRENCY = arg('concurrency', 200);

interface Arrival {
  reference: string;
  sequence: number;
  status: string;
  lagMs: number;
  at: number;
}

async function main(): Promise<void> {
  const arrivals: Arrival[] = [];
  const ids = new Set<string>();
  let duplicates = 0;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const now = Date.now();
      const id = String(req.headers['webhook-id']);
      if (ids.has(id)) duplicates++;
      ids.add(id);
      const m = JSON.parse(body) as { data: { reference: string; sequence: number; status: string; at: string } };
      arrivals.push({ reference: m.data.reference, sequence: m.data.sequence, status: m.data.status, lagMs: now - Date.parse(m.data.at), at: now });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const bench = await startBenchService('dev');
  const base = bench.base;
  try {
    const integrator = { 'x-api-key': BENCH_INTEGRATOR_KEY, 'content-type': 'application/json' };
    const sub = await fetch(`${base}/api/v1/webhooks`, { method: 'POST', headers: integrator, body: JSON.stringify({ url: receiverUrl, events: ['dossier.status_changed'] }) });
    if (sub.status !== 201) throw new Error(`subscribe: ${sub.status} ${await sub.text()}`);
    const tokens = Object.fromEntries(await Promise.all(['motcua', 'lanhdao', 'thamdinh'].map(async (u) => [u, await login(base, u)] as const)));
    const staff = (u: string) => ({ authorization: `Bearer ${tokens[u]}`, 'content-type': 'application/json' });
    const act = async (id: string, action: string, headers: Record<string, string>, body: unknown = {}) => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${base}/api/v1/dossiers/${encodeURIComponent(id)}/actions/${action}`, { method: 'POST', headers: { ...headers, 'idempotency-key': `${action}-${id}` }, body: JSON.stringify(body) });
        if (res.ok) return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        if (res.status < 500 || attempt > 5) throw new Error(`${action} ${id}: ${res.status} ${await res.text()}`);
        await sleep(500);
      }
    };
    const statusOf = async (id: string) => ((await (await fetch(`${base}/api/v1/dossiers/${encodeURIComponent(id)}`, { headers: staff('motcua') })).json()) as { status: string }).status;

    const started = Date.now();
    let statusChanges = 0;
    let done = 0;
    const seconds = await pool(N, CONCURRENCY, async () => {
      const submitted = await fetch(`${base}/api/v1/dossiers`, { method: 'POST', headers: integrator, body: JSON.stringify(benchApplication()) });
      const { reference } = (await submitted.json()) as { reference: string };
      for (let i = 0; (await statusOf(reference)) !== 'AWAITING_RECEIPT'; i++) {
        if (i > 1200) throw new Error(`${reference} never reached AWAITING_RECEIPT`);
        await sleep(100);
      }
      const { code } = await act(reference, 'receive', staff('motcua'));
      await act(code, 'assign', staff('lanhdao'), { appraiser: 'thamdinh' });
      await act(code, 'appraise', staff('thamdinh'), { outcome: 'pass' });
      const approved = await act(code, 'approve', staff('lanhdao'));
      await act(code, 'record-payment', integrator, { amount: approved.payment.amount, method: 'online', transactionRef: `BENCH-${code}` });
      await act(code, 'ship', staff('motcua'));
      // The simulated post reports the delivery by itself (its tracking callbacks), as the real one does.
      let delivered: { status: string; transitions: { from: string | null; to: string }[] };
      const deadline = Date.now() + 180_000;
      for (;;) {
        delivered = (await (await fetch(`${base}/api/v1/dossiers/${encodeURIComponent(code)}`, { headers: staff('motcua') })).json()) as typeof delivered;
        if (delivered.status === 'DELIVERED') break;
        if (Date.now() > deadline) throw new Error(`${code} not delivered by the post within 3 min: ${delivered.status}`);
        await sleep(250);
      }
      statusChanges += delivered.transitions.filter((t) => t.from !== t.to).length;
      if (++done % 20 === 0) console.error(`# ${done}/${N} delivered`);
    });
    // Every status change announced: wait for the tail.
    for (let i = 0; i < 600 && arrivals.length < statusChanges; i++) await sleep(100);

    const lags = arrivals.map((a) => a.lagMs).sort((a, b) => a - b);
    const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? NaN;
    const span = (Math.max(...arrivals.map((a) => a.at)) - Math.min(...arrivals.map((a) => a.at))) / 1000;
    const byDossier = new Map<string, number[]>();
    for (const a of arrivals) byDossier.set(a.reference, [...(byDossier.get(a.reference) ?? []), a.sequence]);
    const outOfOrder = [...byDossier.values()].filter((s) => s.some((v, i) => i > 0 && v < s[i - 1]!)).length;

    console.log(`bench/webhooks: ${N} dossiers through the lifecycle over HTTP, ${CONCURRENCY} in flight, one subscription (${bench.label})`);
    console.log(`  lifecycles: ${seconds.toFixed(1)} s (${(N / seconds).toFixed(2)}/s); status changes announced ${statusChanges}, delivered ${arrivals.length} (${duplicates} duplicates)`);
    console.log(`  deliveries: ${(arrivals.length / span).toFixed(1)}/s over ${span.toFixed(1)} s (${((arrivals.length / (Date.now() - started)) * 1000).toFixed(1)}/s over the whole run)`);
    console.log(`  lag from status change to delivery: p50 ${q(0.5).toFixed(0)} ms, p99 ${q(0.99).toFixed(0)} ms, max ${lags.at(-1)?.toFixed(0)} ms`);
    console.log(`  dossiers whose messages arrived out of order: ${outOfOrder}/${byDossier.size}`);
    console.log(`  service process peak RSS: ${bench.peakRssMb().toFixed(0)} MiB`);
  } finally {
    await bench.stop();
    receiver.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
