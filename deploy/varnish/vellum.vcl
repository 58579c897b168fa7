vcl 4.1;
# Vellum's shared HTTP cache (docs/decisions/0025-purges.md). Copy it, then change the backends and the purgers
# to your app instances' addresses.
#
# What it keeps: only what the app marks as the same for every signed-out reader. The app tags such a response
# with `xkey` (one key per thing it shows: a title's views, or any list) and says how long a cache may keep it
# with `Surrogate-Control: max-age=N`; anything else, anything with Set-Cookie, anything private, and every
# request that carries a session or an Authorization header passes. The app purges by key after each change
# (PURGE with `xkey-purge`), on the purge listener only, from its own addresses only, and again after a rebound
# delay. Nothing is ever served past its purge or its max-age (no grace).
import std;
import xkey;
import directors;

# the instance is up and serving (a static file): not /api/health, which fails while PostgreSQL fails over, when the
# instance still answers everything it keeps in memory
probe health {
    .url = "/vellum.css";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "127.0.1.31"; .port = "3000"; .probe = health; .connect_timeout = 1s; .first_byte_timeout = 15s; .between_bytes_timeout = 15s; }
backend app2 { .host = "127.0.1.32"; .port = "3000"; .probe = health; .connect_timeout = 1s; .first_byte_timeout = 15s; .between_bytes_timeout = 15s; }
backend app3 { .host = "127.0.1.33"; .port = "3000"; .probe = health; .connect_timeout = 1s; .first_byte_timeout = 15s; .between_bytes_timeout = 15s; }

# the app instances: the only senders of purges
acl purgers {
    "127.0.1.31";
    "127.0.1.32";
    "127.0.1.33";
}

sub vcl_init {
    new apps = directors.round_robin();
    apps.add_backend(app1);
    apps.add_backend(app2);
    apps.add_backend(app3);
}

sub vcl_recv {
    set req.backend_hint = apps.backend();
    if (req.method == "PURGE") {
        if (local.socket != "purge" || client.ip !~ purgers) {
            return (synth(405, "Purges are accepted from the wiki's own instances only"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (local.socket == "purge") {
        return (synth(404, "This listener takes purges only"));
    }
    if (req.url == "/varnish-health") {
        return (synth(200, "OK"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # a session, a token, or a request of Next.js's client router: never from or into the shared cache
    if (req.http.Authorization ||
        req.http.Cookie ~ "(^|;\s*)(__Secure-)?next-auth\.session-token" ||
        req.http.RSC || req.http.Next-Router-Prefetch || req.http.Next-Router-State-Tree || req.url ~ "[?&]_rsc=") {
        return (pass);
    }
    # other cookies (sign-in's CSRF cookie) do not change a shared document: looked up without them, and the
    # fetch for the cache sends none (vcl_backend_fetch), so what is kept was made for nobody in particular
    return (hash);
}

sub vcl_backend_fetch {
    if (!bereq.uncacheable) {
        unset bereq.http.Cookie;
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status == 200 && beresp.http.xkey && !beresp.http.Set-Cookie &&
        beresp.http.Cache-Control !~ "(private|no-store)" && beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1") + "s", 0s);
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        unset beresp.http.Surrogate-Control;
        return (deliver);
    }
    # not marked shared: pass for a second (a short hit-for-miss, so later requests are not queued behind it)
    set beresp.ttl = 1s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    return (deliver);
}

# an instance that died since the last probe: a read is tried on the next one (a change is not: it may have landed)
sub vcl_backend_error {
    if ((bereq.method == "GET" || bereq.method == "HEAD") && bereq.retries < 2) {
        return (retry);
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Surrogate-Control;
    unset resp.http.Via;
    if (obj.hits > 0) {
        set resp.http.X-Cache = server.identity + " hit";
    } else {
        set resp.http.X-Cache = server.identity + " miss";
    }
}
