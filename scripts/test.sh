#!/usr/bin/env bash
# make test: the whole suite, service tests included. Starts what the tests need: a local Kafka broker
# (stopped again afterwards if this script started it), PostgreSQL and Redis checks, Debian's
# Chromium for the report screenshot test, and Spark SQL's jars (Maven) for the Spark consumer test.
#
# scripts/test.sh --unit: the unit tests, i.e. those that need no service (no PostgreSQL server, Redis,
# Kafka, Jupyter or Chromium; embedded PGlite and in-memory DuckDB are fine) and do not drive the CLI end
# to end through child processes (make test covers those). The service URLs point at closed ports, so a
# test that needs a service and is missing from SERVICE_TESTS fails instead of passing by luck.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC

# The tests that need a running service, and the CLI's end-to-end runs (globs for vitest --exclude).
SERVICE_TESTS=(
  "test/cli/run.test.ts"                    # one case on the PostgreSQL server
  "test/cli/run-kafka.test.ts"
  "test/cli/dataset.test.ts"                # end to end: phase-1 runs and datasets in child processes
  "test/cli/simulate.test.ts"               # end to end: a child process per case
  "test/cli/simulate-live.test.ts"          # end to end: real-clock runs, signals, pipes
  "test/cli/produce.test.ts"                # Kafka
  "test/faults/**"                          # private Kafka, PostgreSQL and Redis instances, faults injected
  "test/**/kafka*.test.ts"
  "test/**/kafka/**"
  "test/pipeline/live/**"                   # Redis
  "test/pipeline/store/postgres.test.ts"
  "test/pipeline/store/postgres-connection-loss.test.ts"
  "test/pipeline/service/aggregator.test.ts"
  "test/pipeline/service/kafka-run.test.ts"
  "test/notebooks/notebooks.test.ts"        # Jupyter
  "test/validation/report-html.test.ts"     # Chromium
  "test/consumers/spark.test.ts"            # Java + Maven: Spark SQL jars resolved once into .cache/spark
)

if [ "${1:-}" = "--unit" ]; then
  shift
  excludes=()
  for glob in "${SERVICE_TESTS[@]}"; do excludes+=(--exclude "$glob"); done
  echo "[test] unit tests on node $(node --version) (no services, no end-to-end CLI runs)"
  DATABASE_URL="postgres://nobody@127.0.0.1:1/none" REDIS_URL="redis://127.0.0.1:1" KAFKA_BROKERS="127.0.0.1:1" \
    exec npx vitest run "${excludes[@]}" "$@"
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian's chromium (headless screenshots of report.html)"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || { echo "[test] could not install chromium with apt-get" >&2; exit 1; }
  else
    echo "[test] /usr/bin/chromium is missing: install Debian's chromium package (sudo apt-get install chromium)" >&2; exit 1
  fi
fi

# Resolve Spark's jars before the suite (first run only: Maven Central into .cache/spark), so a failed
# download is named here rather than as a test time-out.
bash scripts/spark/spark.sh setup

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
