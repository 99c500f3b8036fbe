#!/usr/bin/env bash
# make infra-up / infra-down: Kafka, PostgreSQL and Redis for the real pipeline.
# With a Docker engine: docker compose. Without (this machine, CI): Kafka from Maven Central jars
# (scripts/kafka/kafka.sh), and the PostgreSQL and Redis that already run are checked (started if stopped
# and installed locally).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="${1:-up}"

have_docker_engine() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

check_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then echo "[infra] postgres: up on 127.0.0.1:5432"; return; fi
  if [ -d /etc/postgresql ]; then
    echo "[infra] postgres: starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && { echo "[infra] postgres: up"; return; }; sleep 1; done
  fi
  echo "[infra] postgres is not reachable on 127.0.0.1:5432; start it, or set DATABASE_URL" >&2; exit 1
}

check_redis() {
  if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then echo "[infra] redis: up on 127.0.0.1:6379"; return; fi
  if command -v redis-server >/dev/null 2>&1; then
    echo "[infra] redis: starting"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    sleep 1; echo "[infra] redis: up"; return
  fi
  echo "[infra] redis is not reachable on 127.0.0.1:6379; start it, or set REDIS_URL" >&2; exit 1
}

case "$cmd" in
  up)
    if have_docker_engine; then docker compose up -d --wait; exit 0; fi
    check_postgres
    check_redis
    bash scripts/kafka/kafka.sh up
    ;;
  down)
    if have_docker_engine; then docker compose down; exit 0; fi
    bash scripts/kafka/kafka.sh down
    echo "[infra] postgres and redis were already running before infra-up; left running"
    ;;
  *) echo "usage: scripts/infra.sh up|down" >&2; exit 2 ;;
esac
