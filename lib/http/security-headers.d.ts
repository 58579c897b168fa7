/** Response headers every page carries (security-headers.js; next.config.js imports the JavaScript). */
export declare const SECURITY_HEADERS: { key: string; value: string }[];
