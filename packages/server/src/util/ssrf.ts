// Server-side requests to user-supplied URLs (webhooks, media fetches) must not reach the
// service's own network: loopback, private, link-local and other special ranges are refused.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::ffff:0:0', 96]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export class UnsafeUrlError extends Error {}

export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 0) return true;
  return blocked.check(ip, v === 4 ? 'ipv4' : 'ipv6');
}

/** Throws unless the URL is http(s) and every address its host resolves to is public (or private is allowed). */
export async function assertPublicUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(`not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeUrlError('only http and https URLs are allowed');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addrs = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (!addrs.length) throw new UnsafeUrlError(`cannot resolve ${host}`);
  const bad = addrs.find(isPrivateAddress);
  if (bad) throw new UnsafeUrlError(`${host} resolves to ${bad}, a private or loopback address`);
  return url;
}
