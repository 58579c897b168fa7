import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
/** OWASP's scrypt parameters (N=2^17, r=8, p=1): 128 MiB and ~0.3 s per hash here, off the event loop. */
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
/** scrypt needs 128·N·r bytes; allow the largest N we accept from a stored hash. */
const MAXMEM = 256 * 1024 * 1024;
const KEY_LENGTH = 32;
/** Stored hashes name their own N; we never run one costlier than this (a tampered row cannot stall us). */
const MAX_N = 2 ** 17;

/** Hash a password with scrypt; the result carries its own parameters and salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: MAXMEM });
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Was this hash made with weaker parameters than today's (so it should be replaced at the next sign-in)? */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split("$");
  return scheme !== "scrypt" || Number(n) < PARAMS.N || Number(r) !== PARAMS.r || Number(p) !== PARAMS.p;
}

/** Compare in constant time. An unknown user is checked against a dummy hash so timing does not tell. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = (stored ?? DUMMY).split("$");
  if (scheme !== "scrypt" || !saltText || !keyText) return false;
  const N = Number(n);
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || Number(r) !== 8 || Number(p) !== 1) return false;
  const expected = Buffer.from(keyText, "base64url");
  const actual = await scrypt(password, Buffer.from(saltText, "base64url"), expected.length, { N, r: 8, p: 1, maxmem: MAXMEM });
  return timingSafeEqual(actual, expected) && stored !== undefined && stored !== null;
}

const DUMMY = `scrypt$${PARAMS.N}$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
