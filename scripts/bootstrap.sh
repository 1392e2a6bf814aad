#!/usr/bin/env bash
# Installs what `npm run demo` and `npm test` need when it is missing: npm packages (and the
# generated Prisma client), and with --test Debian's Chromium for the browser tests.
# Kafka's jars are fetched later, on first start, by scripts/kafka.ts's library.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "error: $*" >&2; exit 1; }

node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js 20.19 or newer is needed (found $(node -v))"
command -v java >/dev/null || fail "Java 17+ is needed to run the Kafka broker (java not found)"
command -v mvn >/dev/null || [ -n "${KAFKA_BROKERS:-}" ] || fail "Maven 3.8+ is needed to fetch Kafka's jars (mvn not found); or set KAFKA_BROKERS to your cluster"

# npm packages: install exactly what the committed lockfile says (it lists every platform's optional
# packages, so `npm ci` accepts it and leaves it untouched), when node_modules is missing or older
# than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages ..."
  npm ci --no-audit --no-fund --loglevel=error
fi
[ -f lib/db/generated/client.ts ] || npx --no-install tsx scripts/prisma-generate.ts

if [ "${1:-}" = "--test" ]; then
  if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "installing Chromium from Debian for the browser tests ..."
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq chromium fonts-liberation >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq chromium fonts-liberation >/dev/null; } \
        || fail "could not install chromium with apt-get"
    else
      fail "browser tests need Chromium: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH"
    fi
  fi
fi
