import { startSimulators } from './server';

const port = Number(process.env.SIMULATORS_PORT ?? 3100);

startSimulators({ port })
  .then((sims) => {
    console.log(`registry simulators on ${sims.url} (health-registry, police-registry, payment-gateway, postal-service; faults at /_control/faults)`);
    const stop = () => void sims.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
