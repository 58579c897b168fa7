import { z } from "zod";

/** A comma-separated list of group names, as a list (empty entries dropped). */
const groupList = z
  .string()
  .max(4000)
  .transform((v) => v.split(",").map((g) => g.trim()).filter(Boolean))
  .default([]);

/**
 * The only reader of process.env. Parsed once, on first use (so `next build` never needs a database), and
 * failing fast with every bad variable named.
 */
const fields = z.object({
  /** PostgreSQL connection URL. `npm start` sets it to the embedded database when it is not given. */
  DATABASE_URL: z.string().url(),
  /** Secret that signs session cookies. `npm start` generates and keeps one in .data/ when unset. */
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  /** The public URL of the wiki, e.g. https://wiki.example.org. Also the origin accepted for CSRF checks. */
  NEXTAUTH_URL: z.string().url().optional(),
  /** The HTTP port (the canonical origin is http://localhost:PORT when NEXTAUTH_URL is unset). */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Size of the PostgreSQL connection pool of one app instance. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * The longest one SQL statement of the app may run, in milliseconds: PostgreSQL cancels it past that and the
   * request answers 503. Work whose cost grows with its input is bounded well below it.
   */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
  /** Connections of an instance's own pool for search (searches beyond it queue, never taking saves' connections). */
  SEARCH_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(2),
  /**
   * memcached servers, comma-separated host:port, in the same order on every instance. Unset: an in-process cache
   * (right only for a single instance). `npm start` sets it to the memcached it finds or starts.
   */
  MEMCACHE_SERVERS: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/, "comma-separated host:port list").optional(),
  /**
   * Prefix of every memcached key: give each wiki its own when several share memcached servers (every instance of
   * one wiki must use the same).
   */
  MEMCACHE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "1-64 letters, digits, _ . -").default("vellum"),
  /** Deadline of one memcached call in milliseconds; a slower answer counts as a miss. */
  MEMCACHE_TIMEOUT_MS: z.coerce.number().int().min(10).max(5000).default(250),
  /** Largest value stored, in bytes: memcached's item size (-I, 1 MiB by default) less room for key and header. */
  MEMCACHE_MAX_VALUE_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024 - 1024),
  /** "off" renders every page view from PostgreSQL, front cache included (for benchmarks and diagnosis). */
  PAGE_CACHE: z.enum(["on", "off"]).default("on"),
  /**
   * A PostgreSQL that may answer reads which are safe from a standby (immutable rows and lists, decision 0026):
   * the reference deployment's haproxy port for the synchronous standby. Unset: every read goes to DATABASE_URL.
   */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  /**
   * The shared HTTP caches in front (decision 0025): their purge listeners, comma-separated (e.g.
   * http://10.0.0.5:6091). Set, signed-out documents carry surrogate keys and every change purges them.
   */
  PURGE_TARGETS: z
    .string()
    .regex(/^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/, "comma-separated http:// URLs")
    .optional(),
  /** How long a shared cache may keep a document (its bound when a cache misses purges while unreachable). */
  CDN_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
  /** Purges are sent again this long after a change: a fetch that straddled its commit is not kept longer. */
  CDN_REBOUND_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  /** How long a change's answer waits for the caches to acknowledge its purges (then they are retried). */
  CDN_PURGE_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** Seconds before a failed mail is tried again (doubling with each attempt, at most an hour). */
  MAIL_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** "off" sends signed-out article views through Next.js too (they still use the memcached page cache). */
  FRONT_CACHE: z.enum(["on", "off"]).default("on"),
  /** Mail server, e.g. smtp://user:pass@mail.example.org:587. Unset: messages are written to MAIL_DIR as .eml files. */
  SMTP_URL: z.string().url().optional(),
  /** Where messages go when SMTP_URL is unset. */
  MAIL_DIR: z.string().default(".data/mail"),
  /** The From of every message. */
  MAIL_FROM: z.string().default("Vellum <vellum@localhost>"),
  /**
   * The one-time setup code that `npm start` prints and keeps in .data/setup-code: with it, the first account is an
   * admin even when created from another machine (without it, only from this one).
   */
  VELLUM_SETUP_CODE: z.string().min(8).optional(),
  /** "on" lets people who are not signed in comment on talk pages ("An anonymous person wrote:"). */
  ALLOW_ANONYMOUS_COMMENTS: z.enum(["on", "off"]).default("off"),
  /** "off" stops this instance from sending queued mail (another instance must). */
  MAIL_WORKER: z.enum(["on", "off"]).default("on"),
  /** Largest file upload in bytes (counted as it arrives; the front answers 413 past it). Default 100 MiB. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(8 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  /**
   * The file types the wiki accepts, as detected from the bytes: comma-separated media types (lib/files/types.ts
   * lists what can be detected). HTML, scripts and executables are never accepted, whatever this says.
   */
  UPLOAD_TYPES: z
    .string()
    .regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+(,[a-z0-9.+-]+\/[a-z0-9.+-]+)*$/, "comma-separated media types, e.g. image/png,application/pdf")
    .default("image/png,image/jpeg,image/gif,image/webp,image/avif,image/svg+xml,application/pdf,text/plain,text/csv"),
  /** Largest image (width x height) the wiki decodes; a bigger one is refused at upload, so no request decodes it. */
  UPLOAD_MAX_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).default(50_000_000),
  /** Uploads one person may make per minute (429 beyond). */
  UPLOAD_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /**
   * "on" keeps where a photo was taken (its EXIF GPS block and XMP position) in the original as uploaded; by default
   * it is taken out at upload, without re-encoding (lib/files/location.ts).
   */
  UPLOAD_KEEP_LOCATION: z.enum(["on", "off"]).default("off"),
  // Signing in as an organisation (decision 0030; README "Signing in as an organisation")
  /** The OpenID Connect issuer (its /.well-known/openid-configuration is read); with the client id and secret, turns OIDC on. */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().max(2000).optional(),
  /** The button says "Sign in with <OIDC_NAME>". */
  OIDC_NAME: z.string().max(60).default("single sign-on"),
  /**
   * The scopes asked for, space-separated. Unset: `openid profile email`, and the groups claim's name when the
   * provider's discovery document lists a scope of that name (lib/auth/oidc.ts).
   */
  OIDC_SCOPES: z.string().regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, "space-separated scopes").optional(),
  /** The claim that lists a person's groups. */
  OIDC_GROUPS_CLAIM: z.string().max(200).default("groups"),
  OIDC_ADMIN_GROUPS: groupList,
  OIDC_EDITOR_GROUPS: groupList,
  OIDC_DEFAULT_ROLE: z.enum(["reader", "editor", "admin"]).default("editor"),
  /** The directory, ldap:// or ldaps://host[:port]; turns LDAP sign-in on. */
  LDAP_URL: z.string().regex(/^ldaps?:\/\/[^\s/]+\/?$/, "ldap://host[:port] or ldaps://host[:port]").optional(),
  /** The service account that looks people up (unset: an anonymous bind). */
  LDAP_BIND_DN: z.string().max(1000).optional(),
  LDAP_BIND_PASSWORD: z.string().max(1000).optional(),
  /** Where people are looked up (subtree), e.g. ou=people,dc=example,dc=org. */
  LDAP_USER_BASE: z.string().max(1000).optional(),
  /** Which entry a username names; {username} is replaced by the typed name, escaped. */
  LDAP_USER_FILTER: z.string().max(1000).includes("{username}", { message: "must contain {username}" }).default("(uid={username})"),
  /** Where groups are looked up by `member`, `uniqueMember` or `memberUid` (unset: the person's `memberOf` only). */
  LDAP_GROUP_BASE: z.string().max(1000).optional(),
  LDAP_ADMIN_GROUPS: groupList,
  LDAP_EDITOR_GROUPS: groupList,
  LDAP_DEFAULT_ROLE: z.enum(["reader", "editor", "admin"]).default("editor"),
  /** "off": only the organisation's sign-in remains (no sign-up, magic links or local passwords). */
  LOCAL_SIGN_IN: z.enum(["on", "off"]).default("on"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
});

/** Settings that only make sense together. */
const schema = fields.superRefine((c, ctx) => {
  const oidc = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidc > 0 && oidc < 3) ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together" });
  if (c.LDAP_URL && !c.LDAP_USER_BASE) ctx.addIssue({ code: "custom", path: ["LDAP_USER_BASE"], message: "required with LDAP_URL" });
  if (Boolean(c.LDAP_BIND_DN) !== Boolean(c.LDAP_BIND_PASSWORD)) ctx.addIssue({ code: "custom", path: ["LDAP_BIND_DN"], message: "LDAP_BIND_DN and LDAP_BIND_PASSWORD go together" });
  if (c.LOCAL_SIGN_IN === "off" && oidc < 3 && !c.LDAP_URL) ctx.addIssue({ code: "custom", path: ["LOCAL_SIGN_IN"], message: "off needs OIDC_* or LDAP_URL: nobody could sign in" });
});

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

/** The validated configuration; throws naming every invalid variable. */
export function getConfig(): Config {
  if (cached) return cached;
  // an empty variable is an unset one (scripts/lib/env.mjs says the same for the commands)
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${fields}`);
  }
  cached = parsed.data;
  return cached;
}

/** Read the environment again on the next getConfig (tests that try several configurations in one process). */
export function reloadConfig(): void {
  cached = undefined;
}
