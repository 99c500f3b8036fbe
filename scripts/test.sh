#!/usr/bin/env bash
# make test: the whole suite, service tests included. Starts what the tests need: a local Kafka broker
# (stopped again afterwards if this script started it), PostgreSQL and Redis checks, and Debian's
# Chromium for the report screenshot test.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC

if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian's chromium (headless screenshots of report.html)"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || { echo "[test] could not install chromium with apt-get" >&2; exit 1; }
  else
    echo "[test] /usr/bin/chromium is missing: install Debian's chromium package (sudo apt-get install chromium)" >&2; exit 1
  fi
fi

started_kafka=0
if bash scripts/kafka/kafka.sh status >/dev/null 2>&1; then
  echo "[test] using the running Kafka broker of this checkout"
elif [ -z "${KAFKA_BROKERS:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
  echo "[test] a broker already listens on 127.0.0.1:9092 (another checkout or docker compose); using it"
else
  bash scripts/infra.sh up
  started_kafka=1
fi
cleanup() { if [ "$started_kafka" = 1 ]; then bash scripts/kafka/kafka.sh down || true; fi; }
trap cleanup EXIT

npx vitest run "$@"
