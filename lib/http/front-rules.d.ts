// Types of front-rules.js (plain JavaScript: the HTTP front runs straight from node).
export declare const MAX_BODY_BYTES: number;
export declare const MAX_AUTH_BODY_BYTES: number;
/** Can this raw request target name anything (well-formed escapes, no empty, "." or ".." segments)? */
export declare function acceptablePath(url: string): boolean;
/** The body limit of a request path, in bytes. */
export declare function bodyLimit(url: string): number;
/** The client's address: the socket's peer, or with n trusted proxies the n-th X-Forwarded-For entry from the right. */
export declare function clientAddress(forwardedFor: string | string[] | undefined, peer: string | undefined, trustedProxies: number): string;
/** Why the title in the path of a titled React page (/edit/, /history/, /talk/ ...) is bad, or null. */
export declare function pageTitleProblem(url: string): string | null;
