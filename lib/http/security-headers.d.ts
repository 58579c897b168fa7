/** Response headers every page carries (security-headers.js; next.config.js imports the JavaScript). */
export declare const SECURITY_HEADERS: { key: string; value: string }[];
/** The nonce-based Content-Security-Policy of a React page. */
export declare function pageContentSecurityPolicy(nonce: string): string;
/** Does a request path get the page policy (React pages: not /api, /wiki, /_next or public files)? */
export declare function wantsPagePolicy(url: string): boolean;
