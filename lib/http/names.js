// Names the HTTP front (scripts/serve.mjs, plain JavaScript outside Next.js's bundle) and the app share, in one
// plain module so neither spells them again: headers the front hands the app, where the app installs the front
// cache's interface, the Main Page's title and path, and the title rules in one sentence.
import { MAX_TITLE_LENGTH } from "../wiki/title-rules.js";

export { MAX_TITLE_LENGTH };

/** The header in which the front hands the app the client's address (always overwritten: a client cannot pick it). */
export const CLIENT_IP_HEADER = "x-vellum-client-ip";

/**
 * The header with which the front asks the app for a document to keep for every reader (lib/cache/front-cache.ts):
 * the page leaves out who reads it (the header's account links become a slot). Set only by the front; a client's
 * is removed.
 */
export const CAPTURE_HEADER = "x-vellum-capture";

/** Where the app installs the front cache's interface (lib/cache/front-cache.ts) for the front to call. */
export const FRONT_CACHE_KEY = Symbol.for("vellum.frontCache");

/** The page a fresh wiki starts with, where `/` and every "go to the main page" lead. */
export const MAIN_PAGE_TITLE = "Main Page";
export const MAIN_PAGE_PATH = "/wiki/Main_Page";

/** The title rules in one sentence, for people (README, "Titles"). */
export const TITLE_RULES_SENTENCE = `Titles may not contain # < > [ ] { } | or \\, nor empty, “.” or “..” subpage names, and have at most ${MAX_TITLE_LENGTH} characters.`;

/** Where the app installs the hot files' interface (lib/files/hot-files.ts) for the front to call. */
export const HOT_FILES_KEY = Symbol.for("vellum.hotFiles");

/** File versions are served under this path: `/media/{versionId}/{name}` (immutable URLs). */
export const MEDIA_PREFIX = "/media/";
