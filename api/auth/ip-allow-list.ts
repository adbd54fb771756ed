import { BlockList, isIP } from 'node:net';

/**
 * IP allow-lists (SPEC 6: for admin and one-stop accounts; any account may have one). Entries are
 * CIDR blocks (`10.1.2.0/24`, `2001:db8::/32`) or single addresses; an empty list allows anywhere.
 */

/** The canonical form of an entry, or undefined if it is not an address or a CIDR block. */
export function normaliseCidr(entry: string): string | undefined {
  const [address, prefix, ...rest] = entry.trim().split('/');
  if (!address || rest.length) return undefined;
  const family = isIP(address);
  if (!family) return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefix === undefined) return `${address}/${max}`;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined;
  return `${address}/${Number(prefix)}`;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
function plainAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

const compiled = new Map<string, BlockList>();

function blockListOf(entries: readonly string[]): BlockList {
  const key = entries.join(',');
  let list = compiled.get(key);
  if (!list) {
    list = new BlockList();
    for (const entry of entries) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
      list.addSubnet(address!, Number(prefix), family);
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, list);
  }
  return list;
}

export function ipAllowed(allowList: readonly string[], ip: string): boolean {
  if (allowList.length === 0) return true;
  const address = plainAddress(ip);
  const family = isIP(address);
  if (!family) return false;
  return blockListOf(allowList).check(address, family === 6 ? 'ipv6' : 'ipv4');
}
