import { randomBytes } from "node:crypto";
import { after, before } from "node:test";
import { actorSelect, createAccount } from "@/lib/auth/accounts";
import { closeReplicaPool, closeSearchPool, db } from "@/lib/db";
import { AppError, type ErrorCode } from "@/lib/errors";
import { savePage } from "@/lib/wiki/save";
import { closeCache } from "@/lib/cache";

/** A unique suffix, so tests sharing one database never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** A fresh user with a verified address (as if they had followed the link); returns what authorisation needs. */
export async function makeUser(role?: "reader" | "editor" | "admin", { verified = true }: { verified?: boolean } = {}) {
  const username = unique("u").replace("-", "_");
  await createAccount({ username, email: `${username}@example.test`, password: "correct horse battery" }, { clientIp: "192.0.2.1" });
  const user = await db().user.update({
    where: { usernameKey: username.toLowerCase() },
    data: { ...(role ? { role } : {}), emailVerified: verified ? new Date() : null },
    select: actorSelect,
  });
  return user;
}

/** Close what an integration test file opened (database pool, cache connections), so its process can exit. */
export async function closeTestConnections(): Promise<void> {
  closeCache();
  await closeSearchPool();
  await closeReplicaPool();
  await db().$disconnect();
}

/** For assert.rejects: is this the AppError with that code? */
export const isCode = (code: ErrorCode) => (e: unknown) => e instanceof AppError && e.code === code;

export type TestUser = Awaited<ReturnType<typeof makeUser>>;
type Role = "reader" | "editor" | "admin";

/**
 * The people a test file needs, by name and role, made in its `before` (read their fields inside tests); the
 * file's connections are closed in its `after`.
 */
export function testPeople<K extends string>(roles: Record<K, Role>): Record<K, TestUser> {
  const people = {} as Record<K, TestUser>;
  before(async () => {
    for (const [name, role] of Object.entries(roles) as [K, Role][]) people[name] = await makeUser(role);
  });
  after(closeTestConnections);
  return people;
}

/** A new page by `author` (a unique title unless given one): its title and first revision. */
export async function newPage(author: TestUser, markdown: string, title = unique("Page")) {
  const saved = await savePage({ title, markdown, baseRevisionId: null, author });
  return { title, revision: saved.revision };
}
