// Imported first by every command's entry point, for its side effect: a variable set to the empty string (as in
// `MEMCACHE_SERVERS= npm start`, or an empty line of an env file) means unset, for every variable, as it does for a
// shell's `${VAR:-default}`. The app's configuration (lib/config) reads variables the same way.
for (const [name, value] of Object.entries(process.env)) if (value === "") delete process.env[name];
