// Types of names.js (plain JavaScript: the HTTP front uses it too).
export { MAX_TITLE_LENGTH } from "../wiki/title-rules.js";
/** The header in which the front hands the app the client's address. */
export declare const CLIENT_IP_HEADER: "x-vellum-client-ip";
/** The header with which the front asks the app for a document to keep for every reader. */
export declare const CAPTURE_HEADER: "x-vellum-capture";
/** Where the app installs the front cache's interface for the front to call. */
export declare const FRONT_CACHE_KEY: unique symbol;
/** The page a fresh wiki starts with. */
export declare const MAIN_PAGE_TITLE: "Main Page";
/** Its path. */
export declare const MAIN_PAGE_PATH: "/wiki/Main_Page";
/** The title rules in one sentence, for people. */
export declare const TITLE_RULES_SENTENCE: string;
/** Where the app installs the hot files' interface for the front to call. */
export declare const HOT_FILES_KEY: unique symbol;
/** The path under which file versions are served. */
export declare const MEDIA_PREFIX: "/media/";
