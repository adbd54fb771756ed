/**
 * One worker process as bench/worker-start runs it: prints how long after its own start it was
 * polling (Worker state RUNNING), and where its workflow bundle came from.
 */
async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2) as [string, string];
  const { NativeConnection, Worker } = await import('@temporalio/worker');
  const { workflowBundle, bundleSource, workerBuildId } = await import('../temporal/workflow-bundle');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: await workflowBundle(), buildId: await workerBuildId() });
  const running = worker.run();
  while (worker.getState() !== 'RUNNING') await new Promise((r) => setTimeout(r, 5));
  // performance.now() counts from the process's start: node's own start-up and every import are in it.
  console.log(JSON.stringify({ pollingAfterMs: Math.round(performance.now()), bundle: bundleSource() }));
  worker.shutdown();
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
