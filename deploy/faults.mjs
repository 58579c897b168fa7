// `npm run test:faults`: the reference deployment (deploy/cluster.mjs) under faults, measured.
//
// Editors save unique markers with personal access tokens and read their own writes back; signed-out readers read
// through the entry URL; meanwhile one fault after another is injected and repaired: memcached killed (one, then
// two), a memcached stopped for 10 s, the PostgreSQL primary crashed and restarted, a failover to the standby with
// the old primary brought back as a standby, an app instance killed in mid-save, a Varnish killed, a Varnish cut
// off from purges for 30 s, the SMTP sink stopped, the standby's replay paused. Before the faults it checks the
// deployment's edges (purges from elsewhere refused, X-Forwarded-For never taken from a client, nothing signed in
// or with a cookie in a shared cache); after them, once quiet, it compares every cache and every instance with
// PostgreSQL. It prints a table per fault and the totals, and exits non-zero unless nothing was lost, stale or
// duplicated. Starts the deployment when it is not running (and then stops it at the end).
import "../scripts/lib/env.mjs"; // an empty variable is an unset one
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  APPS, DIR, ENTRY, LOG, MAIL_DIR, MEMCACHEDS, PG_NODES, SMTP, VARNISHES,
  appDatabaseUrl, attemptSignIn, hasPrimary, hasSyncStandby, patroniNode, person, pidOf, postmasterPid, probe, sleep, stopPart, superuserUrl,
  until,
} from "./parts.mjs";
import { down, startApp, startMemcached, startPatroni, startSmtp, startVarnish, stopOrphanPostmaster, up } from "./cluster.mjs";

const RUN = randomBytes(3).toString("hex");
const EDITORS = 3;
const READERS = 2;
/** Waited once the purge queue is empty (every rebound sent) before the caches are compared: a margin, in ms. */
const QUIET_MS = 8000;

const log = (m) => process.stdout.write(`[faults] ${m}\n`);
const now = () => Date.now();


async function withPrimary(fn, url = appDatabaseUrl()) {
  const { default: pg } = await import("pg"); // installed by up(), which may be the first command of a checkout
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the workload

const events = []; // { at, kind: "save" | "error" | "5xx" | "ryw", ... }
const acknowledged = []; // { page, marker, revisionId, at }
let ryw = 0;
let running = true;

function api(pathname, { method = "GET", token, body } = {}) {
  return fetch(`${ENTRY}${pathname}`, {
    method,
    signal: AbortSignal.timeout(30_000),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function editorLoop(editor, page) {
  const slug = page.replaceAll(" ", "_");
  let base = null;
  for (let n = 0; running; n++) {
    const marker = `marker-${RUN}-${editor.username}-${n}`;
    const started = now();
    try {
      const res = await api(`/api/pages/${slug}`, { method: "PUT", token: editor.token, body: { markdown: `# ${page}\n\n${marker}\n`, summary: marker, baseRevisionId: base } });
      if (res.status === 200 || res.status === 201) {
        const saved = await res.json();
        base = saved.revision.id;
        acknowledged.push({ page, marker, revisionId: base, at: now() });
        events.push({ at: now(), kind: "save", started });
        await readOwnWrite(editor, slug, base);
      } else {
        events.push({ at: now(), kind: res.status >= 500 ? "5xx" : "error", status: res.status, started });
        const current = await api(`/api/pages/${slug}`, { token: editor.token }).catch(() => null);
        if (current?.status === 200) base = (await current.json()).revision.id;
        else if (current?.status === 404) base = null;
        await sleep(200);
      }
    } catch (e) {
      events.push({ at: now(), kind: "error", status: String(e?.cause?.code ?? e?.name ?? e), started });
      await sleep(200);
    }
    await sleep(150);
  }
}

/** Right after an acknowledged save: the writer's own history and revision reads (standby lists) show it. */
async function readOwnWrite(editor, slug, revisionId) {
  try {
    const h = await api(`/api/history/${slug}?limit=1`, { token: editor.token });
    const r = await api(`/api/revisions/${revisionId}`, { token: editor.token });
    if (h.status >= 500 || r.status >= 500) return; // an outage, counted by the saves; not a stale read
    const first = h.status === 200 ? (await h.json()).revisions[0]?.id : null;
    if (first === undefined || first === null || first < revisionId || r.status !== 200) {
      ryw++;
      events.push({ at: now(), kind: "ryw", detail: `${slug} ${revisionId}: history ${first}, revision ${r.status}` });
    }
  } catch {
    // the request failed outright (an outage): not a stale read
  }
}

async function readerLoop(pages) {
  for (let i = 0; running; i++) {
    const page = pages[i % pages.length].replaceAll(" ", "_");
    try {
      const res = await fetch(`${ENTRY}/wiki/${page}`, { signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status >= 500) events.push({ at: now(), kind: "5xx", status: res.status, reader: true });
    } catch (e) {
      events.push({ at: now(), kind: "error", status: String(e?.cause?.code ?? e), reader: true });
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// faults

/** A PUT of `page` sent straight to one instance (with the site's Host): resolves with its status, or how it failed. */
function saveDirectly(app, token, page) {
  const body = JSON.stringify({ markdown: `# ${page}\n\n${"in flight ".repeat(20_000)}\n`, summary: "in flight", baseRevisionId: null });
  return new Promise((resolve) => {
    const req = http.request(
      { host: app.host, port: app.port, method: "PUT", path: `/api/pages/${page.replaceAll(" ", "_")}`, timeout: 30_000,
        headers: { host: new URL(ENTRY).host, authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(`answered ${res.statusCode}`));
      },
    );
    req.on("error", (e) => resolve(`no answer (${e.code ?? e.message})`));
    req.end(body);
  });
}

/**
 * Processes killed (SIGKILL) or crashed by a fault, and when: a mail re-sent with the same Message-ID is explained
 * when one of them was killed in the moment after the SMTP server accepted the first copy (mailTally).
 */
const kills = [];
/** An app instance (its mail worker) or a PostgreSQL primary (the record of the sending) stopped dead now. */
const killed = (what) => kills.push({ what, at: now() });

const kill = (name, signal = "SIGKILL") => {
  const pid = pidOf(name);
  if (pid) process.kill(pid, signal);
  if (signal === "SIGKILL") killed(name);
  return pid;
};

async function primaryNode() {
  for (;;) {
    for (const n of PG_NODES) if ((await patroniNode(n))?.role === "primary") return n;
    await sleep(250);
  }
}

const cut = (v) => ["-p", "tcp", "-d", v.host, "--dport", String(v.purgePort), "-j", "DROP"];

const FAULTS = [
  {
    name: "kill one memcached",
    async inject() {
      kill("memcached1");
      await sleep(5000);
      await stopPart("memcached1");
      await startMemcached(MEMCACHEDS[0]);
    },
  },
  {
    name: "kill two memcached",
    async inject() {
      kill("memcached1");
      kill("memcached2");
      await sleep(5000);
      await Promise.all([stopPart("memcached1"), stopPart("memcached2")]);
      await Promise.all([startMemcached(MEMCACHEDS[0]), startMemcached(MEMCACHEDS[1])]);
    },
  },
  {
    name: "stop one memcached 10 s (SIGSTOP)",
    async inject() {
      kill("memcached3", "SIGSTOP");
      await sleep(10_000);
      kill("memcached3", "SIGCONT");
    },
  },
  {
    name: "crash and restart the PostgreSQL primary",
    async inject() {
      const node = await primaryNode();
      const data = path.join(DIR, node.name, "data");
      killed(`${node.name} (PostgreSQL primary)`);
      execFileSync("runuser", ["-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", data, "-m", "immediate", "stop"], { stdio: "ignore" });
      await until("a primary again", hasPrimary, 120_000);
      await until("a synchronous standby again", hasSyncStandby, 120_000);
    },
  },
  {
    name: "fail over to the standby, old primary back as standby",
    async inject() {
      const node = await primaryNode();
      // the machine of the primary dies: its Patroni and its PostgreSQL at once
      kill(node.name);
      try {
        process.kill(postmasterPid(node) ?? 0, "SIGKILL");
      } catch {}
      await until("the standby promoted", async () => {
        const other = PG_NODES.find((n) => n !== node);
        return (await patroniNode(other))?.role === "primary";
      }, 120_000);
      await stopPart(node.name);
      stopOrphanPostmaster(node);
      await startPatroni(node);
      await until("the old primary back as a synchronous standby", async () => (await patroniNode(node))?.sync === true, 180_000);
    },
  },
  {
    name: "kill an app instance in mid-save",
    async inject(ctx) {
      // a save sent to app2 itself (as the entry would), killed while it is being handled: its outcome is unknown
      // to its client (never counted as acknowledged), and nothing else may be lost
      const answered = saveDirectly(APPS[1], ctx.admin.token, ctx.midSavePage);
      await sleep(15);
      kill("app2");
      log(`  the save in flight at app2: ${await answered}`);
      await sleep(3000);
      await stopPart("app2");
      await startApp(APPS[1]);
    },
  },
  {
    name: "kill a Varnish",
    async inject() {
      kill("varnish1");
      await sleep(5000);
      await stopPart("varnish1");
      await startVarnish(VARNISHES[0]);
    },
  },
  {
    name: "cut a Varnish off from purges 30 s",
    async inject() {
      execFileSync("iptables", ["-I", "INPUT", ...cut(VARNISHES[1])]);
      try {
        await sleep(30_000);
      } finally {
        execFileSync("iptables", ["-D", "INPUT", ...cut(VARNISHES[1])]);
      }
    },
  },
  {
    name: "stop the SMTP sink 10 s",
    async inject() {
      await stopPart(SMTP.name);
      await sleep(10_000);
      await startSmtp();
    },
  },
  {
    name: "pause the standby's replay 5 s",
    async inject() {
      const nodes = await Promise.all(PG_NODES.map(async (n) => [n, await patroniNode(n)]));
      const node = nodes.find(([, p]) => p?.role === "replica")?.[0];
      if (!node) throw new Error("there is no standby to pause");
      const url = superuserUrl(`${node.host}:${node.port}`);
      await withPrimary((c) => c.query("SELECT pg_wal_replay_pause()"), url);
      await sleep(5000);
      await withPrimary((c) => c.query("SELECT pg_wal_replay_resume()"), url);
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// the edges, checked before the faults

async function checkEdges(admin, pages) {
  const problems = [];
  const slug = pages[0].replaceAll(" ", "_");
  // a PURGE from anywhere but an app instance is refused: at the entry, and at the caches' own listeners
  const atEntry = await fetch(`${ENTRY}/wiki/${slug}`, { method: "PURGE" }).then((r) => r.status, () => 0);
  if (atEntry < 400 || atEntry >= 500) problems.push(`PURGE at the entry answered ${atEntry}`);
  for (const v of VARNISHES) {
    for (const port of [v.port, v.purgePort]) {
      const s = await fetch(`http://${v.host}:${port}/`, { method: "PURGE", headers: { "xkey-purge": "w" } }).then((r) => r.status, () => 0);
      if (s !== 405) problems.push(`PURGE from this machine at ${v.host}:${port} answered ${s}`);
    }
  }
  // a client's X-Forwarded-For never becomes its address: ten failed sign-ins under ten invented addresses are
  // one client's (sign-in is limited per client), so a later attempt is refused as too many
  let limited = false;
  for (let i = 0; i < 40 && !limited; i++) {
    const { res } = await attemptSignIn(`nobody-${RUN}-${i}`, "wrong-password", { "x-forwarded-for": `203.0.113.${i + 1}` });
    if (res.status === 429) limited = true;
  }
  if (!limited) problems.push("forty failed sign-ins, each with an invented X-Forwarded-For, were never limited as one client's");
  const addresses = await withPrimary(async (c) => {
    const { rows } = await c.query("DELETE FROM sign_in_failures WHERE key LIKE 'ip:%' AND created_at > now() - interval '5 minutes' RETURNING key");
    return [...new Set(rows.map((r) => r.key))];
  });
  if (addresses.some((a) => a.startsWith("ip:203.0.113."))) problems.push(`a client's X-Forwarded-For was taken for its address (${addresses.join(", ")})`);
  // nothing signed in, and nothing that sets a cookie, reaches a shared cache
  const personal = await fetch(`${ENTRY}/wiki/${slug}`, { headers: { cookie: admin.cookie } });
  const personalBody = await personal.text();
  if (!personalBody.includes(admin.username)) problems.push("the signed-in article did not name its reader (the check cannot tell)");
  for (const v of VARNISHES) {
    for (const p of [`/wiki/${slug}`, `/history/${slug}`, "/recent-changes", "/api/auth/csrf", "/signin"]) {
      const r = await fetch(`http://${v.host}:${v.port}${p}`);
      const body = await r.text();
      if (body.includes(admin.username)) problems.push(`${v.name} gave a signed-out reader ${p} naming ${admin.username}`);
      if (r.headers.getSetCookie().length && /hit/.test(r.headers.get("x-cache") ?? "")) problems.push(`${v.name} served a kept answer with Set-Cookie for ${p}`);
    }
    const csrf1 = await fetch(`http://${v.host}:${v.port}/api/auth/csrf`).then((r) => r.json());
    const csrf2 = await fetch(`http://${v.host}:${v.port}/api/auth/csrf`).then((r) => r.json());
    if (csrf1.csrfToken === csrf2.csrfToken) problems.push(`${v.name} gave two clients the same CSRF token`);
  }
  // a signed-out document is kept (the purges are what keeps it current)
  await fetch(`http://${VARNISHES[0].host}:${VARNISHES[0].port}/wiki/${slug}`).then((r) => r.arrayBuffer());
  const again = await fetch(`http://${VARNISHES[0].host}:${VARNISHES[0].port}/wiki/${slug}`);
  if (!/hit/.test(again.headers.get("x-cache") ?? "")) problems.push("a signed-out article was not kept by Varnish");
  if (again.headers.get("xkey") || again.headers.get("surrogate-control")) problems.push("the cache's keys reached the client");
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// after the faults: lost edits, stale documents, mail

async function lostEdits() {
  return withPrimary(async (c) => {
    const ids = acknowledged.map((a) => a.revisionId);
    const { rows } = await c.query("SELECT id, summary FROM revisions WHERE id = ANY($1::int[])", [ids]);
    const found = new Map(rows.map((r) => [r.id, r.summary]));
    return acknowledged.filter((a) => found.get(a.revisionId) !== a.marker);
  });
}

/** Every cache and every instance, each view of each page, against PostgreSQL: the stale ones. */
async function staleDocuments(pages) {
  const latest = await withPrimary(async (c) => {
    const { rows } = await c.query("SELECT p.title, r.id, r.summary FROM pages p JOIN revisions r ON r.id = p.latest_revision_id WHERE p.title = ANY($1)", [pages]);
    return new Map(rows.map((r) => [r.title, r]));
  });
  const stale = [];
  const places = [...VARNISHES.map((v) => [v.name, `http://${v.host}:${v.port}`]), ...APPS.map((a) => [a.name, `http://${a.host}:${a.port}`]), ["entry", ENTRY]];
  for (const [name, base] of places) {
    const changes = await probe(`${base}/recent-changes`, { timeoutMs: 10_000 });
    for (const want of latest.values()) if (!changes?.body.includes(want.summary)) stale.push(`${name} /recent-changes (without ${want.summary})`);
  }
  for (const page of pages) {
    const want = latest.get(page);
    const slug = page.replaceAll(" ", "_");
    for (const [name, base] of places) {
      const article = await probe(`${base}/wiki/${slug}`, { timeoutMs: 10_000 });
      if (!article?.body.includes(want.summary)) stale.push(`${name} /wiki/${slug} (want ${want.summary}, ${article?.headers.get("x-cache") ?? article?.status})`);
      const json = await probe(`${base}/api/pages/${slug}`, { timeoutMs: 10_000 });
      if (json?.headers.get("x-revision-id") !== String(want.id)) stale.push(`${name} /api/pages/${slug} (revision ${json?.headers.get("x-revision-id")}, want ${want.id})`);
      const history = await probe(`${base}/history/${slug}`, { timeoutMs: 10_000 });
      if (!history?.body.includes(want.summary)) stale.push(`${name} /history/${slug}`);
    }
  }
  return stale;
}

/**
 * How long after the SMTP server accepts a message its sender records it as sent (an UPDATE on a connection held
 * before sending, in the tick the answer arrives: lib/mail/outbox.ts), with a wide margin. A sender killed inside
 * it sends that message again with the same Message-ID (decision 0027 accepts this); anywhere else, a second copy
 * is a duplicate the outbox promises never to send.
 */
const RECORD_WINDOW_MS = 2000;

/**
 * Mails the outbox holds for this run's watcher, and what the sink received: lost (never received), re-sent after
 * a kill inside the record window (same Message-ID, with the kill that explains it), and duplicates (a copy no kill
 * explains, or two messages for one change).
 */
async function mailTally(watcher) {
  const queued = await withPrimary(async (c) => {
    const { rows } = await c.query("SELECT id, status, subject, text FROM outbox WHERE to_address = $1", [`${watcher}@example.test`]);
    return rows;
  });
  /** outbox id -> when each copy arrived (the sink names its files by the time it received them) */
  const copies = new Map();
  for (const f of existsSync(MAIL_DIR) ? readdirSync(MAIL_DIR) : []) {
    const text = readFileSync(path.join(MAIL_DIR, f), "utf8");
    const id = /^Message-ID:\s*<outbox-(\d+)@/im.exec(text)?.[1];
    if (id && text.includes(`${watcher}@example.test`)) copies.set(Number(id), [...(copies.get(Number(id)) ?? []), Number(f.split("-")[0])].sort((a, b) => a - b));
  }
  const lost = queued.filter((q) => !copies.has(q.id));
  const resent = [];
  let duplicates = 0;
  for (const [id, times] of copies) {
    for (let i = 1; i < times.length; i++) {
      const accepted = times[i - 1];
      const cause = kills.find((k) => k.at >= accepted - 100 && k.at <= accepted + RECORD_WINDOW_MS);
      if (cause) resent.push({ id, cause: `${cause.what} killed ${cause.at - accepted} ms after the first copy was accepted` });
      else duplicates++;
    }
  }
  // two outbox rows with the same message are two messages for one change
  const seen = new Map();
  for (const q of queued) seen.set(`${q.subject}\n${q.text}`, (seen.get(`${q.subject}\n${q.text}`) ?? 0) + 1);
  for (const n of seen.values()) duplicates += n - 1;
  return { queued: queued.length, delivered: copies.size, pending: queued.filter((q) => q.status !== "sent").length, lost, resent, duplicates };
}

// ---------------------------------------------------------------------------------------------------------------

function windowStats(from, to, lost) {
  const inWindow = events.filter((e) => e.at >= from && e.at < to);
  const saves = acknowledged.filter((a) => a.at >= from && a.at < to);
  const errors = inWindow.filter((e) => e.kind === "5xx" || e.kind === "error");
  const firstGoodSave = inWindow.find((e) => e.kind === "save" && e.started >= from);
  const lastError = errors.at(-1);
  return {
    saves: saves.length,
    found: saves.filter((a) => !lost.has(a)).length,
    errors5xx: inWindow.filter((e) => e.kind === "5xx").length,
    failed: errors.length,
    ryw: inWindow.filter((e) => e.kind === "ryw").length,
    toGoodSave: firstGoodSave ? (firstGoodSave.at - from) / 1000 : null,
    toNoErrors: lastError ? (lastError.at - from) / 1000 : 0,
  };
}

function showLogs() {
  for (const f of existsSync(LOG) ? readdirSync(LOG) : []) {
    const lines = readFileSync(path.join(LOG, f), "utf8").trimEnd().split("\n").slice(-15);
    process.stdout.write(`\n--- ${path.join(LOG, f)} (last lines)\n${lines.join("\n")}\n`);
  }
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error("the fault tests drive the deployment's parts as root: run them as root");
  const wasUp = (await probe(`${ENTRY}/api/health`))?.status === 200;
  let ok = false;
  try {
    if (!wasUp) await up();
    ok = await run();
  } finally {
    running = false;
    // the parts' logs go with the deployment: what they said last is shown first when anything went wrong
    if (!ok) showLogs();
    try {
      execFileSync("iptables", ["-D", "INPUT", ...cut(VARNISHES[1])], { stdio: "ignore" });
    } catch {}
    if (!wasUp) await down({ wipe: true });
  }
  process.exit(ok ? 0 : 1);
}

async function run() {
  log(`run ${RUN}: accounts and pages`);
  const admin = await person(`faults-admin-${RUN}`);
  const editors = [];
  for (let i = 1; i <= EDITORS; i++) editors.push(await person(`faults-editor${i}-${RUN}`));
  const watcher = await person(`faults-watcher-${RUN}`);
  await withPrimary((c) => c.query("UPDATE users SET email_verified = now(), notify = 'each' WHERE username = $1", [watcher.username]));
  const pages = editors.map((e, i) => `Faults ${RUN} page ${i + 1}`);
  for (const [i, page] of pages.entries()) {
    const res = await api(`/api/pages/${page.replaceAll(" ", "_")}`, { method: "PUT", token: editors[i].token, body: { markdown: `# ${page}\n\nfirst\n`, summary: "first", baseRevisionId: null } });
    if (res.status !== 201) throw new Error(`could not create ${page}: ${res.status}`);
    const w = await api(`/api/watch/${page.replaceAll(" ", "_")}`, { method: "PUT", token: watcher.token });
    if (!w.ok) throw new Error(`could not watch ${page}: ${w.status}`);
  }

  const ctx = { admin, midSavePage: `Faults ${RUN} mid-save` };

  log("the edges: purges from elsewhere, X-Forwarded-For, personal documents");
  const edges = await checkEdges(admin, pages);
  for (const p of edges) log(`EDGE FAILED: ${p}`);

  log("workload: editors saving markers, readers reading through the entry URL");
  const loops = [...editors.map((e, i) => editorLoop(e, pages[i])), ...Array.from({ length: READERS }, () => readerLoop(pages))];
  await sleep(3000);

  const windows = [];
  for (const fault of FAULTS) {
    const from = now();
    log(`fault: ${fault.name}`);
    await fault.inject(ctx);
    // recovered: a good save after the repair, no mail older than a few seconds still waiting, a few quiet seconds
    const repaired = now();
    await until("a good save after the repair", async () => acknowledged.some((a) => a.at > repaired), 120_000);
    await until("the mail queued before it to go out", () => withPrimary(async (c) => (await c.query("SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND created_at < now() - interval '3 seconds'")).rows[0].n === 0), 180_000);
    await sleep(3000);
    windows.push({ name: fault.name, from, to: now() });
  }

  running = false;
  await Promise.all(loops);
  log("quiet: waiting for mail and purges to drain, then comparing every cache and instance with PostgreSQL");
  await until("the outbox to drain", async () => (await mailTally(watcher.username)).pending === 0, 240_000).catch((e) => log(e.message));
  await until("every purge to be acknowledged", () => withPrimary(async (c) => (await c.query("SELECT count(*)::int AS n FROM cdn_purges")).rows[0].n === 0), 120_000).catch((e) => log(e.message));
  await sleep(QUIET_MS);
  const lost = await lostEdits();
  const stale = await staleDocuments(pages);
  const mail = await mailTally(watcher.username);
  const lostSet = new Set(lost);
  const results = windows.map((w) => ({ name: w.name, ...windowStats(w.from, w.to, lostSet) }));

  const row = (cells) => `| ${cells.join(" | ")} |`;
  process.stdout.write("\n" + row(["fault", "edits acknowledged", "found", "failed requests (5xx)", "read-your-writes violations", "s to a good save", "s to no errors"]) + "\n");
  process.stdout.write(row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]) + "\n");
  for (const r of results) process.stdout.write(row([r.name, r.saves, r.found, `${r.failed} (${r.errors5xx})`, r.ryw, r.toGoodSave?.toFixed(1) ?? "-", r.toNoErrors.toFixed(1)]) + "\n");
  const total5xx = events.filter((e) => e.kind === "5xx").length;
  const totalFailed = events.filter((e) => e.kind === "5xx" || e.kind === "error").length;
  process.stdout.write(row(["total", acknowledged.length, acknowledged.length - lost.length, `${totalFailed} (${total5xx})`, ryw, "", ""]) + "\n\n");
  log(`edits acknowledged ${acknowledged.length}, found ${acknowledged.length - lost.length}, lost ${lost.length}`);
  for (const l of lost.slice(0, 10)) log(`  lost: ${l.page} revision ${l.revisionId} (${l.marker})`);
  log(`read-your-writes violations ${ryw}`);
  for (const e of events.filter((x) => x.kind === "ryw").slice(0, 10)) log(`  ${e.detail}`);
  log(`list reads meant for the standby (${APPS.length} instances, since each started): ${await standbyReads()}`);
  log(`stale after quiescence ${stale.length} (${pages.length} pages x 3 views, and recent changes, x ${VARNISHES.length + APPS.length + 1} places)`);
  for (const s of stale.slice(0, 10)) log(`  stale: ${s}`);
  log(`mails queued ${mail.queued}, delivered ${mail.delivered}, lost ${mail.lost.length}, duplicates ${mail.duplicates}, re-sent after a kill in the record window ${mail.resent.length}`);
  for (const r of mail.resent) log(`  re-sent with the same Message-ID (outbox ${r.id}): ${r.cause}`);
  log(`5xx answers ${total5xx}; edge checks failed ${edges.length}`);
  process.stdout.write(`faults: ${FAULTS.length}, lost edits: ${lost.length}, stale after quiescence: ${stale.length}, lost mails: ${mail.lost.length}, duplicate mails: ${mail.duplicates}, re-sent after a kill: ${mail.resent.length}\n`);
  return lost.length === 0 && stale.length === 0 && mail.lost.length === 0 && mail.duplicates === 0 && ryw === 0 && edges.length === 0;
}

/** The instances' counters of reads meant for the standby (GET /api/cache/stats), summed. */
async function standbyReads() {
  const sum = { lists: 0, passedOver: 0, failed: 0 };
  for (const app of APPS) {
    const res = await probe(`http://${app.host}:${app.port}/api/cache/stats`);
    const standby = res?.status === 200 ? JSON.parse(res.body).standby : null;
    for (const k of Object.keys(sum)) sum[k] += standby?.[k] ?? 0;
  }
  return `${sum.lists} read there, ${sum.passedOver} passed over to the primary by the fence, ${sum.failed} failed there`;
}

main().catch((e) => {
  process.stderr.write(`[faults] ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
