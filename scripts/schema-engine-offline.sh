#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on an offline machine.
# Vellum applies migrations with scripts/lib/migrate.mjs instead (docs/decisions/0002).
echo "schema engine not available offline: use npm run migrate" >&2
exit 1
