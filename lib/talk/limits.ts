// The talk pages' limits that the browser's form shares with the server (no server code here: the form imports it).

/** Longest comment, in characters (code points). Longer: 413. */
export const MAX_COMMENT_CHARS = 10_000;
