import net from 'node:net';

/**
 * A TCP relay in front of a server that a test can cut and restore: connections in flight are
 * reset and new ones refused, as when the server is stopped, then accepted again on the same port.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  function listen(): Promise<void> {
    server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }
  await listen();

  return {
    get port() {
      return port;
    },
    /** The server goes away: every connection dropped, the port refusing. */
    async cut(): Promise<void> {
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closing;
      server = undefined;
    },
    /** Back on the same port. */
    async restore(): Promise<void> {
      if (!server) await listen();
    },
    async close(): Promise<void> {
      if (server) await this.cut();
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;
