// The identity provider of `npm test` (decision 0030): the certified `oidc-provider` package on loopback, with its
// development sign-in screens (any login name; the password is not checked), so Chromium signs in through a real
// OpenID Connect provider. What each login's claims are (groups, email...) is set by the tests:
//   POST /__test/accounts/<login> {claims}   the claims that login gets (sub is the login)
//   POST /__test/tamper {mode}               the next token answer carries a forged ID token (the security suite):
//                                            audience | issuer | expired | none | signature
// Usage: node scripts/test-idp.mjs <port> <client secret> <redirect URI>...   (prints "ready" when it listens)
import http from "node:http";
import { generateKeyPairSync, sign as rsaSign, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const [port, secret, ...redirects] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };
const accounts = new Map();
let tamper = null;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "vellum",
      client_secret: secret,
      redirect_uris: redirects,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  pkce: { required: () => true },
  scopes: ["openid", "profile", "email", "groups"],
  claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email", "email_verified"], groups: ["groups"] },
  features: { devInteractions: { enabled: true } },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...(accounts.get(sub) ?? {}) }) }),
  // a first-party client: no consent screen, every scope asked for is granted
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = `<!doctype html><title>Error</title><h1>${String(out.error).replace(/[<>&]/g, "")}</h1>`;
  },
});
const handle = provider.callback();

const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

/** An ID token changed as `mode` says: re-signed with the provider's own key (only the claim is wrong), or worse. */
function forged(idToken, mode) {
  const [h, p] = idToken.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  const payload = JSON.parse(Buffer.from(p, "base64url").toString());
  const now = Math.floor(Date.now() / 1000);
  if (mode === "audience") payload.aud = "someone-else";
  if (mode === "issuer") payload.iss = "http://127.0.0.1:1/evil";
  if (mode === "expired") Object.assign(payload, { iat: now - 7200, exp: now - 3600 });
  if (mode === "none") return `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
  const key = mode === "signature" ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : privateKey;
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${rsaSign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

function readJson(req) {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(body || "{}"));
      } catch {
        resolve({});
      }
    });
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", issuer);
  if (url.pathname.startsWith("/__test/accounts/") && req.method === "POST") {
    const login = decodeURIComponent(url.pathname.slice("/__test/accounts/".length));
    accounts.set(login, (await readJson(req)).claims ?? {});
    return res.writeHead(204).end();
  }
  if (url.pathname === "/__test/tamper" && req.method === "POST") {
    tamper = (await readJson(req)).mode ?? null;
    return res.writeHead(204).end();
  }
  if (url.pathname === "/token" && tamper) {
    const mode = tamper;
    tamper = null;
    // the provider's answer, with its ID token forged before it leaves
    const end = res.end.bind(res);
    res.end = (chunk, ...rest) => {
      try {
        const body = JSON.parse(String(chunk));
        if (body.id_token) {
          body.id_token = forged(body.id_token, mode);
          chunk = JSON.stringify(body);
          if (!res.headersSent) res.setHeader("Content-Length", Buffer.byteLength(chunk));
        }
      } catch {}
      return end(chunk, ...rest);
    };
  }
  handle(req, res);
});
server.listen(Number(port), "127.0.0.1", () => console.log("ready"));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
