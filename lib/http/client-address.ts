import { CLIENT_IP_HEADER } from "./names.js";

/**
 * The client's address as the HTTP front determined it (scripts/serve.mjs: the socket's peer, or with
 * TRUST_PROXY=n the address the n-th trusted proxy reports, always overwriting what a client sent);
 * "unknown" when the app runs without the front. X-Forwarded-For itself is never read here.
 */
export function clientIp(headers: Headers | Record<string, string | string[] | undefined>): string {
  const value = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers[CLIENT_IP_HEADER];
  const ip = Array.isArray(value) ? value[0] : value;
  return ip && ip.length <= 64 ? ip : "unknown";
}

/** Is this address the machine itself (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback)? */
export function isLoopback(ip: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === "::1" || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(ip);
}
