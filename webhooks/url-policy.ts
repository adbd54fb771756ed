import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be sent (SSRF): in production only https, and never to a private, loopback,
 * link-local or otherwise internal address unless an admin allow-listed the host
 * (WEBHOOK_ALLOWED_HOSTS); outside production a loopback URL is allowed, for receivers on the same
 * machine. Checked when the subscription is made and again before every attempt, on the addresses
 * the name resolves to then (a name can be re-pointed after it was accepted).
 */
export interface UrlPolicy {
  production: boolean;
  allowedHosts: string[];
}

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) internal.addSubnet(net, prefix, 'ipv6');

/** A resolver that does not answer is a host that does not resolve, not a request left hanging. */
const DNS_TIMEOUT_MS = 3000;
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('DNS timeout')), ms)))]).finally(() => clearTimeout(timer));
}

const isLoopback = (address: string) => address === '::1' || address.startsWith('127.');

/** Why this URL may not receive webhooks, or undefined when it may. */
export async function urlRefusal(raw: string, policy: UrlPolicy): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not accepted; authenticate the signature instead';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !policy.production)) return policy.production ? 'only https URLs receive webhooks' : 'only http or https URLs';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (policy.allowedHosts.includes(host.toLowerCase())) return undefined;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await withTimeout(lookup(host, { all: true }), DNS_TIMEOUT_MS)).map((a) => a.address);
  } catch {
    return `the host ${host} does not resolve`;
  }
  for (const address of addresses) {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (!internal.check(address, family)) continue;
    if (!policy.production && isLoopback(address)) continue;
    return `the host ${host} resolves to an internal address (${address}); an admin may allow-list it (WEBHOOK_ALLOWED_HOSTS)`;
  }
  return undefined;
}
