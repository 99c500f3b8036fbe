#!/usr/bin/env bash
# Apache Spark SQL in local mode for the consumer test, from Maven Central: no Spark download, no cluster,
# no server, only Java 17+ and Maven.
#
#   bash scripts/spark/spark.sh setup                 # resolve the jars (first run) and compile ReadDataset.java
#   bash scripts/spark/spark.sh read FILE.parquet...  # setup, then one JSON line per file on stdout
#
# Jars go to .cache/spark/lib (resolved again when pom.xml changes), classes to .cache/spark/classes
# (compiled again when ReadDataset.java changes). Overrides: SPARK_HOME_DIR [<repo>/.cache/spark],
# SPARK_MVN_ARGS (extra Maven arguments, e.g. -Dmaven.repo.local=/path), SPARK_HEAP [-Xmx1g].
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"
SRC="$SCRIPT_DIR/ReadDataset.java"
HOME_DIR="${SPARK_HOME_DIR:-$REPO_ROOT/.cache/spark}"
LIB_DIR="$HOME_DIR/lib"
CLASSES_DIR="$HOME_DIR/classes"
HEAP="${SPARK_HEAP:--Xmx1g}"

log() { printf '[spark] %s\n' "$*" >&2; }
die() { printf '[spark] ERROR: %s\n' "$*" >&2; exit 1; }

stamp_of() { sha256sum "$1" | cut -d' ' -f1; }

resolve_jars() {
  local stamp="$LIB_DIR/.pom.sha256"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(stamp_of "$POM")" ]; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found: install Apache Maven (it fetches Spark's jars from Maven Central)"
  log "resolving Spark SQL jars from Maven Central into $LIB_DIR (first run only)"
  rm -rf "$LIB_DIR" && mkdir -p "$LIB_DIR"
  local t0=$SECONDS
  # shellcheck disable=SC2086
  mvn -q -B -f "$POM" ${SPARK_MVN_ARGS:-} dependency:copy-dependencies \
    -DoutputDirectory="$LIB_DIR" -DincludeScope=runtime >"$HOME_DIR/mvn.log" 2>&1 \
    || { tail -20 "$HOME_DIR/mvn.log" >&2; die "Maven could not resolve the jars (log: $HOME_DIR/mvn.log)"; }
  stamp_of "$POM" >"$stamp"
  log "resolved $(ls "$LIB_DIR" | wc -l) jars in $((SECONDS - t0)) s"
}

compile() {
  local stamp="$CLASSES_DIR/.src.sha256"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(stamp_of "$SRC")$(stamp_of "$POM")" ]; then return 0; fi
  command -v javac >/dev/null || die "javac not found: install a JDK 17 or newer"
  rm -rf "$CLASSES_DIR" && mkdir -p "$CLASSES_DIR"
  javac -cp "$LIB_DIR/*" -d "$CLASSES_DIR" "$SRC"
  echo "$(stamp_of "$SRC")$(stamp_of "$POM")" >"$stamp"
}

setup() {
  mkdir -p "$HOME_DIR"
  resolve_jars
  compile
}

# The module openings Spark's own launcher passes on Java 17+ (spark-submit is not used here).
JAVA_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
)

case "${1:-}" in
  setup)
    setup
    ;;
  read)
    shift
    [ "$#" -gt 0 ] || die "usage: spark.sh read FILE.parquet..."
    setup
    # Spark's INFO log goes to stderr; the JSON lines are the only stdout.
    exec java $HEAP "${JAVA_OPENS[@]}" -Duser.timezone=UTC -cp "$LIB_DIR/*:$CLASSES_DIR" ReadDataset "$@"
    ;;
  *)
    echo "usage: $(basename "$0") setup|read FILE.parquet..." >&2
    exit 2
    ;;
esac
