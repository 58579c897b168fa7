/** Does this request carry a next-auth session cookie at all (session-cookie.js)? */
export declare function hasSessionCookie(cookieHeader: string | null | undefined): boolean;
