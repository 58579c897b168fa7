// Types of front-rules.js (plain JavaScript: the HTTP front runs straight from node).
export declare const MAX_BODY_BYTES: number;
export declare const IMPORT_PREFIX: string;
export declare const MAX_IMPORT_BODY_BYTES: number;
export declare const MAX_AUTH_BODY_BYTES: number;
/** Can this raw request target name anything (well-formed escapes, no empty, "." or ".." segments)? */
export declare function acceptablePath(url: string): boolean;
/** The body limit of a request path, in bytes. */
export declare const FILE_UPLOAD_PREFIX: string;
export declare function bodyLimit(url: string, uploadMaxBytes: number): number;
export declare function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean;
/** The client's address: the socket's peer, or with n trusted proxies the n-th X-Forwarded-For entry from the right. */
export declare function clientAddress(forwardedFor: string | string[] | undefined, peer: string | undefined, trustedProxies: number): string;
/** Why the title in the path of a titled React page (/edit/, /history/, /talk/ ...) is bad, or null. */
export declare function pageTitleProblem(url: string): string | null;
/** Does this text hold NUL or an unpaired UTF-16 surrogate (which PostgreSQL cannot store)? */
export declare function hasUnstorableText(text: string): boolean;
/** What is wrong with the request's query (encoding, NUL, a known page's parameters), or null. */
export declare function queryProblem(url: string): string | null;
/** The origins that are this wiki: the public URL's, and its loopback aliases when it names the machine. */
export declare function siteOrigins(publicUrl: string): Set<string>;
/** Why a state-changing request must be refused as not from this site (Host, Origin, Referer), or null. */
export declare function crossSiteProblem(
  req: { method: string; host?: string | null; origin?: string | null; referer?: string | null; hasSession: boolean; hasBearer: boolean },
  origins: Set<string>,
): string | null;
/** The host a request was sent to: Host, or behind trusted proxies the nearest one's X-Forwarded-Host. */
export declare function requestHost(host: string | undefined, forwardedHost: string | string[] | undefined, trustedProxies: number): string;
/** The methods the wiki answers (any other is 405). */
export declare const METHODS: Set<string>;
/** A method, request target or Next.js-internal header the front refuses (400 or 405), or null. */
export declare function requestShapeProblem(req: { method?: string; url?: string; rawHeaders: string[] }): { status: 400 | 405; message: string } | null;
/** May a GET's answer be kept for other readers: a 200 with a body of the type its path serves? */
export declare function shareableAnswer(url: string, status: number, contentType: string | number | string[] | undefined, bodyBytes: number | null): boolean;
