#!/usr/bin/env bash
# Private Kafka, PostgreSQL and Redis for the fault suite (test/faults): own ports, own data dirs, own
# processes, so that killing or restarting them never touches the shared services (9092, 5432, 6379).
#
#   bash scripts/faults/services.sh up           # start all three (first run: Kafka jars, initdb), wait
#   bash scripts/faults/services.sh down         # stop all three and delete their data
#   bash scripts/faults/services.sh env          # KAFKA_BROKERS=... DATABASE_URL=... REDIS_URL=... (one a line)
#   bash scripts/faults/services.sh kafka-kill   # kill -9 the broker
#   bash scripts/faults/services.sh kafka-start  # start it again on the same data, wait until it answers
#   bash scripts/faults/services.sh pg-restart   # PostgreSQL restart with the fast shutdown mode
#   bash scripts/faults/services.sh redis-stop | redis-start
#
# Environment overrides (defaults in brackets):
#   CS_FAULTS_DIR [<repo>/.cache/faults]      Kafka home, PostgreSQL data, Redis files, logs
#   CS_FAULTS_KAFKA_PORT [19392]              client listener (controller: the next port)
#   CS_FAULTS_PG_PORT [15499]
#   CS_FAULTS_REDIS_PORT [16399]
# The broker is scripts/kafka/kafka.sh with its own KAFKA_PORT / KAFKA_HOME_DIR; it resolves its jars with
# Maven on first use (or links those of this checkout's shared broker, .cache/kafka/lib, when they exist).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${CS_FAULTS_DIR:-$ROOT/.cache/faults}"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
KAFKA_PORT="${CS_FAULTS_KAFKA_PORT:-19392}"
PG_PORT="${CS_FAULTS_PG_PORT:-15499}"
REDIS_PORT="${CS_FAULTS_REDIS_PORT:-16399}"
KAFKA_HOME="$DIR/kafka"
REDIS_PID="$DIR/redis.pid"

log() { printf '[faults] %s\n' "$*" >&2; }
die() { printf '[faults] ERROR: %s\n' "$*" >&2; exit 1; }

kafka() {
  KAFKA_PORT="$KAFKA_PORT" KAFKA_CONTROLLER_PORT="$((KAFKA_PORT + 1))" KAFKA_HOME_DIR="$KAFKA_HOME" \
    KAFKA_HEAP="${KAFKA_HEAP:--Xmx384m -Xms128m}" KAFKA_STOP_TIMEOUT=10 bash "$ROOT/scripts/kafka/kafka.sh" "$@"
}

kafka_up() {
  mkdir -p "$KAFKA_HOME"
  if [[ ! -e "$KAFKA_HOME/lib" && -f "$ROOT/.cache/kafka/lib/.pom.sha256" ]]; then
    ln -s "$ROOT/.cache/kafka/lib" "$KAFKA_HOME/lib"
  fi
  kafka up >&2
}

kafka_kill() {
  local pid
  pid="$(tr -dc '0-9' <"$KAFKA_HOME/kafka.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || die "the private broker is not running"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  log "broker $pid killed (SIGKILL)"
}

# PostgreSQL refuses to run as root: as root, its data dir belongs to the postgres user and its tools run
# as that user.
pg_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [[ -x "$bin/pg_ctl" ]] || die "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
  printf '%s\n' "$bin"
}
as_pg() { if [[ "$(id -u)" = 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_dir() {
  # The postgres user must reach the data dir; a checkout under a private home falls back to /tmp.
  if [[ "$(id -u)" != 0 ]] || runuser -u postgres -- test -x "$DIR" 2>/dev/null; then
    printf '%s\n' "$DIR/pg"
  else
    printf '%s\n' "/tmp/cartstream-faults-pg-$PG_PORT"
  fi
}

pg_up() {
  local bin data
  bin="$(pg_bin)"
  mkdir -p "$DIR"
  data="$(pg_dir)"
  if [[ ! -f "$data/data/PG_VERSION" ]]; then
    mkdir -p "$data"
    [[ "$(id -u)" = 0 ]] && chown postgres "$data"
    as_pg "$bin/initdb" -D "$data/data" -U postgres -A trust -E UTF8 --no-sync >"$DIR/pg-initdb.log" 2>&1 \
      || { cat "$DIR/pg-initdb.log" >&2; die "initdb failed"; }
  fi
  if as_pg "$bin/pg_ctl" -D "$data/data" status >/dev/null 2>&1; then return 0; fi
  # fsync off: the fault scenarios kill processes, never the machine.
  as_pg "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c fsync=off -c max_connections=100" \
    start >&2 || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start on port $PG_PORT"; }
}

pg_restart() {
  local bin data
  bin="$(pg_bin)"
  data="$(pg_dir)"
  as_pg "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -m fast -w -t 60 restart >&2
}

pg_down() {
  local bin data
  bin="$(pg_bin)"
  data="$(pg_dir)"
  if [[ -f "$data/data/PG_VERSION" ]]; then
    as_pg "$bin/pg_ctl" -D "$data/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
}

redis_up() {
  mkdir -p "$DIR"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --pidfile "$REDIS_PID" --logfile "$DIR/redis.log" --dir "$DIR" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "redis-server did not answer on port $REDIS_PORT (see $DIR/redis.log)"
}

redis_stop() {
  local pid
  pid="$(tr -dc '0-9' <"$REDIS_PID" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$REDIS_PID"
}

print_env() {
  printf 'KAFKA_BROKERS=127.0.0.1:%s\n' "$KAFKA_PORT"
  printf 'DATABASE_URL=postgres://postgres@127.0.0.1:%s/postgres\n' "$PG_PORT"
  printf 'REDIS_URL=redis://127.0.0.1:%s\n' "$REDIS_PORT"
}

case "${1:-}" in
  up)
    pg_up
    redis_up
    kafka_up
    log "up: Kafka 127.0.0.1:$KAFKA_PORT, PostgreSQL 127.0.0.1:$PG_PORT, Redis 127.0.0.1:$REDIS_PORT ($DIR)"
    ;;
  down)
    kafka down --wipe >&2 || true
    redis_stop
    pg_down
    rm -rf "$KAFKA_HOME"
    log "down"
    ;;
  env) print_env ;;
  kafka-kill) kafka_kill ;;
  kafka-start) kafka up >&2 ;;
  pg-restart) pg_restart ;;
  redis-stop) redis_stop ;;
  redis-start) redis_up ;;
  *) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
