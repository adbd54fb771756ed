import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A Temporal frontend behind TLS, as a secured cluster or Temporal Cloud presents itself: an
 * HTTP/2 server over TLS (optionally demanding a client certificate, optionally an API key as
 * Cloud does) relaying every gRPC stream to a plain dev server. The CLI's dev server has no TLS of
 * its own; this puts the real handshake and the real headers between the service and Temporal.
 */
export interface TlsFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here, for the refusals. */
  otherCa: string;
}

/** A CA, a server certificate for `serverName` and a client certificate, with openssl. */
export function makeTlsFiles(serverName: string): TlsFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gplx-tls-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) openssl('req', '-x509', ...ec, '-keyout', f(`${ca}.key`), '-out', f(`${ca}.pem`), '-days', '2', '-subj', `/CN=${ca}`);
  const leaf = (name: string, cn: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    openssl('req', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '2', '-extfile', f(`${name}.ext`));
  };
  const common = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n';
  leaf('server', serverName, `${common}extendedKeyUsage=serverAuth\nsubjectAltName=DNS:${serverName}\n`);
  leaf('client', 'gplx-worker', `${common}extendedKeyUsage=clientAuth\n`);
  return {
    dir,
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
    otherCa: f('other-ca.pem'),
  };
}

export interface GrpcTlsProxy {
  /** `127.0.0.1:port`, for TEMPORAL_ADDRESS. */
  address: string;
  /** Streams relayed, and refused for a missing or wrong API key. */
  counts: { relayed: number; refused: number };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([':scheme', ':authority', 'connection', 'keep-alive']);

export async function startGrpcTlsProxy(opts: { upstream: string; files: TlsFiles; requireClientCert: boolean; apiKey?: string }): Promise<GrpcTlsProxy> {
  const upstream = http2.connect(`http://${opts.upstream}`);
  upstream.on('error', () => undefined);
  const counts = { relayed: 0, refused: 0 };
  const server = http2.createSecureServer({
    key: readFileSync(opts.files.serverKey),
    cert: readFileSync(opts.files.serverCert),
    ca: readFileSync(opts.files.ca),
    requestCert: opts.requireClientCert,
    rejectUnauthorized: opts.requireClientCert,
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (opts.apiKey !== undefined && headers.authorization !== `Bearer ${opts.apiKey}`) {
      counts.refused++;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'API key missing or wrong' }, { endStream: true });
      return;
    }
    counts.relayed++;
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) forwarded[k] = v;
    const request = upstream.request(forwarded);
    request.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('close', () => {
      if (!request.closed) request.close(http2.constants.NGHTTP2_CANCEL);
    });
    let trailers: http2.OutgoingHttpHeaders = {};
    request.on('response', (response, flags) => {
      const out: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(response)) if (k === ':status' || !k.startsWith(':')) out[k] = v;
      // A trailers-only answer (an error, typically) stays one: grpc clients read its status there.
      if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) {
        stream.respond(out, { endStream: true });
        return;
      }
      stream.respond(out, { waitForTrailers: true });
      request.pipe(stream);
    });
    request.on('trailers', (t) => {
      trailers = Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith(':'))) as http2.OutgoingHttpHeaders;
    });
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      await closed;
      upstream.close();
    },
  };
}
