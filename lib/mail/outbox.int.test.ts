import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { closeTestConnections, makeUser, unique } from "@/lib/testing/factories";
import { SmtpSink } from "@/lib/testing/smtp-sink";
import { savePage } from "@/lib/wiki/save";
import { AppError } from "@/lib/errors";
import { enqueueMail, processOutbox, retryMail, MAX_ATTEMPTS } from "./outbox";

// The outbox against real PostgreSQL and a real SMTP server (smtp-server), no mocks.
const sink = new SmtpSink();
let admins: { id: string; email: string }[];
let author: Awaited<ReturnType<typeof makeUser>>;

before(async () => {
  await sink.start();
  process.env.SMTP_URL = sink.url; // read when the first message is sent
  const made = await Promise.all([makeUser("admin"), makeUser("admin")]);
  admins = await db().user.findMany({ where: { id: { in: made.map((u) => u.id) } }, select: { id: true, email: true } });
  author = await makeUser("editor");
});
after(async () => {
  await sink.stop();
  await closeTestConnections();
});

/** Send everything due until nothing is left. */
async function drain() {
  for (let i = 0; i < 50; i++) {
    const { sent, failed } = await processOutbox();
    if (sent + failed === 0) return;
  }
}

async function makeAllDue() {
  await db().$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'`;
}

test("a save queues one email per admin, not the author, in the same transaction; a refused save queues none", async () => {
  const title = unique("Mail page");
  const before = await db().outboxMessage.count();
  const r = await savePage({ title, markdown: "hello\n", summary: "first", baseRevisionId: null, author });
  const rows = await db().outboxMessage.findMany({ where: { id: { gt: 0 }, subject: { contains: title } } });
  for (const a of admins) assert.equal(rows.filter((m) => m.toAddress === a.email).length, 1, a.email);
  const authorEmail = (await db().user.findUniqueOrThrow({ where: { id: author.id } })).email;
  assert.equal(rows.filter((m) => m.toAddress === authorEmail).length, 0, "the author is not told of their own change");
  const count = await db().outboxMessage.count();
  await assert.rejects(
    savePage({ title, markdown: "conflicting\n", baseRevisionId: null, author }),
    (e: unknown) => e instanceof AppError && e.code === "edit_conflict",
  );
  assert.equal(await db().outboxMessage.count(), count, "nothing queued for a save that did not happen");
  assert.ok(count > before);
  assert.ok(r.revision.id > 0);
  await drain();
});

test("SMTP down: the change is saved and its mail waits; SMTP back: delivered exactly once", async () => {
  await sink.stop();
  const title = unique("Outage page");
  const first = await savePage({ title, markdown: "one\ntwo\n", baseRevisionId: null, author });
  await savePage({ title, markdown: "one\nTWO\n", summary: "shout", baseRevisionId: first.revision.id, author });
  const attempt = await processOutbox();
  assert.equal(attempt.sent, 0);
  assert.ok(attempt.failed >= admins.length * 2);
  const waiting = await db().outboxMessage.findMany({ where: { subject: { contains: title } } });
  assert.ok(waiting.every((m) => m.status === "pending" && m.attempts === 1 && m.lastError && m.nextAttemptAt > new Date()));

  await sink.start();
  assert.equal((await processOutbox()).sent, 0, "not retried before its backoff");
  await makeAllDue();
  await drain();
  await drain();
  for (const a of admins) {
    const got = sink.to(a.email).filter((m) => m.subject?.includes(title));
    assert.equal(got.length, 2, `${a.email} gets each of the two changes once`);
    const edit = got.find((m) => m.text?.includes("Summary: shout"))!;
    assert.ok(edit, "the second change's email carries its summary");
    assert.match(edit.text!, /- two\n\+ TWO/, "and a short diff");
    assert.match(edit.text!, new RegExp(`/diff\\?from=${first.revision.id}&to=\\d+`), "and a link to the diff");
    assert.match(edit.text!, /\/wiki\/Outage_page-/, "and a link to the page");
  }
  const sent = await db().outboxMessage.findMany({ where: { subject: { contains: title } } });
  assert.ok(sent.every((m) => m.status === "sent" && m.sentAt));
});

test("workers racing for the outbox never send a message twice", async () => {
  const tag = unique("race");
  const addresses = Array.from({ length: 30 }, (_, i) => `${tag}-${i}@example.test`);
  await db().$transaction((tx) => enqueueMail(tx, addresses.map((to) => ({ kind: "change", to, subject: tag, text: "x" }))));
  const worker = async () => {
    for (let i = 0; i < 20; i++) {
      const { sent, failed } = await processOutbox(4);
      if (sent + failed === 0) return;
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  for (const to of addresses) assert.equal(sink.to(to).length, 1, to);
  const ids = sink.messages.filter((m) => m.subject === tag).map((m) => m.messageId);
  assert.equal(new Set(ids).size, 30, "every message has its own Message-ID");
});

test("titles and summaries cannot inject mail headers", async () => {
  const tag = unique("inject");
  const to = `${tag}@example.test`;
  await db().$transaction((tx) =>
    enqueueMail(tx, [{ kind: "change", to, subject: `${tag}\r\nBcc: victim@example.test\r\nX-Evil: 1`, text: "body" }]),
  );
  await drain();
  const [mail] = sink.to(to);
  assert.ok(mail);
  assert.equal(mail.headers.has("x-evil"), false);
  assert.equal(mail.bcc, undefined);
  assert.equal(sink.to("victim@example.test").length, 0);
  assert.match(mail.subject ?? "", new RegExp(`^${tag} Bcc: victim@example.test X-Evil: 1$`));
});

test("a message that keeps failing is marked failed, and an admin's retry sends it", async () => {
  const tag = unique("doomed");
  const to = `${tag}@example.test`;
  await db().$transaction((tx) => enqueueMail(tx, [{ kind: "change", to, subject: tag, text: "x" }]));
  await sink.stop();
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    await makeAllDue();
    await processOutbox();
  }
  const row = await db().outboxMessage.findFirstOrThrow({ where: { subject: tag } });
  assert.equal(row.status, "failed");
  assert.equal(row.attempts, MAX_ATTEMPTS);
  await sink.start();
  assert.equal(await retryMail(row.id), true);
  await drain();
  assert.equal(sink.to(to).length, 1);
});
