import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { inTransaction } from "@/lib/db/transaction";
import { listLimit } from "@/lib/wiki/query-schemas.js";
import { actorSelect } from "./accounts";

/** Personal access tokens start with this, so they are recognisable in logs and secret scanners. */
const PREFIX = "vlm_";
/** Live (unrevoked, unexpired) tokens one person may hold; one more is refused until they revoke one. */
export const MAX_TOKENS_PER_PERSON = 50;

export const createTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    /** The token stops working after this many days; without it, only revoking ends it. */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** How a secret token is kept: only its SHA-256 (access tokens here, address-verification links too). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Create a token; the plain value is returned once and never stored. Only a signed-in person (a session) may:
 * a token that could mint tokens would outlive its own revocation and expiry.
 */
export async function createToken(userId: string, { name = "token", expiresInDays }: { name?: string; expiresInDays?: number }, via: "session" | "token") {
  if (via === "token") throw new AppError("forbidden", "Access tokens cannot create tokens; sign in to create one");
  const token = PREFIX + randomBytes(32).toString("base64url");
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null;
  const row = await inTransaction(async (tx) => {
    // counted under the person's row lock, so simultaneous requests cannot pass the cap together
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
    const live = await tx.apiToken.count({ where: { userId, ...liveToken() } });
    if (live >= MAX_TOKENS_PER_PERSON) {
      throw new AppError("conflict", `You have ${MAX_TOKENS_PER_PERSON} access tokens already; revoke one before creating another`);
    }
    return tx.apiToken.create({
      data: { userId, name, tokenHash: hashToken(token), expiresAt },
      select: { id: true, name: true, createdAt: true, expiresAt: true },
    });
  });
  return { token, id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt?.toISOString() ?? null };
}

/** Neither revoked nor expired. */
const liveToken = () => ({ revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] });

/** ?limit=&before= of GET /api/tokens (`before`: the id of the last token of the previous page). */
export const tokenListQuerySchema = z.object({
  limit: listLimit(),
  before: z.string().regex(/^[a-z0-9]{1,64}$/, "a token id").optional(),
});

/** A person's live tokens (never their values), newest first, `limit` at a time after the token `before`. */
export async function listTokens(userId: string, { limit, before }: z.infer<typeof tokenListQuerySchema> = { limit: 50 }) {
  const rows = await db().apiToken.findMany({
    where: { userId, ...liveToken() },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...(before ? { cursor: { id: before }, skip: 1 } : {}),
    take: limit + 1,
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, expiresAt: true },
  });
  const tokens = rows.slice(0, limit).map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
  }));
  return { tokens, next: rows.length > limit ? tokens.at(-1)!.id : null };
}

/** Revoke one of your own tokens; 404 for anyone else's (their existence is not revealed). */
export async function revokeToken(userId: string, id: string): Promise<void> {
  const n = await db().apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (!n.count) throw new AppError("not_found", "No such token");
}

/** The person a bearer token belongs to, or null when it is unknown, revoked or expired. */
export async function userForToken(token: string) {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true, expiresAt: true, lastUsedAt: true, user: { select: actorSelect } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  // note use at most once a minute: a bot's every request need not write
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return row.user;
}
