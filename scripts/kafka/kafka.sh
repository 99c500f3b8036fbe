#!/usr/bin/env bash
# Single-node Apache Kafka broker (KRaft: combined broker+controller, no ZooKeeper)
# on 127.0.0.1 for dev and CI. The broker jars come from Maven Central through
# scripts/kafka/pom.xml; no Docker and no Kafka tarball needed, only Java 17+ and Maven.
#
#   bash scripts/kafka/kafka.sh up       # resolve jars (first run), format storage (first run), start, wait
#   bash scripts/kafka/kafka.sh wait     # block until the broker answers a metadata request
#   bash scripts/kafka/kafka.sh status   # exit 0 if running and listening, 1 otherwise
#   bash scripts/kafka/kafka.sh down     # SIGTERM, up to 30 s, then SIGKILL (KAFKA_WIPE=1 or --wipe: delete data too)
#
# Environment overrides (defaults in brackets):
#   KAFKA_PORT [9092]               client listener, PLAINTEXT://127.0.0.1:$KAFKA_PORT
#   KAFKA_CONTROLLER_PORT [9093]    KRaft controller listener, 127.0.0.1 only
#   KAFKA_HEAP ["-Xmx512m -Xms256m"]
#   KAFKA_HOME_DIR [<repo>/.cache/kafka]   jars (lib/), config, data/, logs/, kafka.pid
#   KAFKA_WAIT_TIMEOUT [120]        seconds that `up`/`wait` wait for the broker
#   KAFKA_STOP_TIMEOUT [30]         seconds that `down` waits after SIGTERM before SIGKILL
#   KAFKA_AUTO_CREATE_TOPICS [false]  auto.create.topics.enable
#   KAFKA_WIPE [0]                  `down` also deletes the data dir when 1
#   KAFKA_OPTS                      extra JVM options for the broker
#   KAFKA_MVN_ARGS                  extra Maven arguments for the one-time jar resolution
#                                   (e.g. -Dmaven.repo.local=/path or -s settings.xml)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:--Xmx512m -Xms256m}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.cache/kafka}"
KAFKA_WAIT_TIMEOUT="${KAFKA_WAIT_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_AUTO_CREATE_TOPICS="${KAFKA_AUTO_CREATE_TOPICS:-false}"
KAFKA_WIPE="${KAFKA_WIPE:-0}"
KAFKA_OPTS="${KAFKA_OPTS:-}"
KAFKA_MVN_ARGS="${KAFKA_MVN_ARGS:-}"

# Absolute paths only, so that the script works from any working directory.
case "$KAFKA_HOME_DIR" in /*) ;; *) KAFKA_HOME_DIR="$PWD/$KAFKA_HOME_DIR" ;; esac
LIB_DIR="$KAFKA_HOME_DIR/lib"
DATA_DIR="$KAFKA_HOME_DIR/data"
LOG_DIR="$KAFKA_HOME_DIR/logs"
TOOLS_DIR="$KAFKA_HOME_DIR/tools"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
SERVER_PROPS="$KAFKA_HOME_DIR/server.properties"
LOG4J_SERVER="$KAFKA_HOME_DIR/log4j2.xml"
LOG4J_TOOLS="$KAFKA_HOME_DIR/log4j2-tools.xml"
SERVER_LOG="$LOG_DIR/server.log"
STDOUT_LOG="$LOG_DIR/kafka.out"
MVN_LOG="$LOG_DIR/mvn.log"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

log() { printf '[kafka] %s\n' "$*"; }
warn() { printf '[kafka] WARNING: %s\n' "$*" >&2; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
usage: $(basename "$0") up|down|status|wait [--wipe]

  up      start the broker on $BOOTSTRAP (resolves jars and formats storage on first run)
          and wait until it answers; no-op if it is already running
  down    stop the broker (SIGTERM, then SIGKILL after ${KAFKA_STOP_TIMEOUT}s);
          --wipe or KAFKA_WIPE=1 also deletes $DATA_DIR
  status  print whether it runs; exit 0 if running and listening, 1 if not
  wait    wait up to ${KAFKA_WAIT_TIMEOUT}s until the broker answers a metadata request

Home dir: $KAFKA_HOME_DIR (KAFKA_HOME_DIR); see the header of $0 for all env overrides.
EOF
}

check_port_var() {
  local name=$1 value=$2
  if ! [[ "$value" =~ ^[0-9]{1,5}$ ]] || ((10#$value < 1 || 10#$value > 65535)); then
    die "$name='$value' is not a TCP port number"
  fi
}

# True if something accepts TCP connections on 127.0.0.1:$1 (a refused connect on loopback is immediate).
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the broker pid if the pid file names a live kafka.Kafka process.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: it must be our broker.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  fi
  printf '%s\n' "$pid"
}

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found on PATH; Kafka needs Java 17+ (e.g. apt-get install openjdk-17-jdk-headless)"
  local ver major
  ver="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
  major="${ver%%.*}"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 17)); then
    die "Java $ver found, but Kafka 4 needs Java 17 or newer; put a JDK 17+ first on PATH"
  fi
}

lock() {
  mkdir -p "$KAFKA_HOME_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$KAFKA_HOME_DIR/.lock"
    flock -w 300 9 || die "another kafka.sh is busy in $KAFKA_HOME_DIR for 5 minutes; is one stuck? (rm $KAFKA_HOME_DIR/.lock)"
  fi
}

# Byte offset of server.log when this `up` started the broker, so that errors show
# this run's lines and not the previous run's shutdown.
SERVER_LOG_MARK=0

show_log_tail() {
  if [[ -s "$STDOUT_LOG" ]]; then
    printf '[kafka] ---- %s ----\n' "$STDOUT_LOG" >&2
    tail -n 25 "$STDOUT_LOG" >&2
  fi
  if [[ -s "$SERVER_LOG" ]] && (($(wc -c <"$SERVER_LOG") > SERVER_LOG_MARK)); then
    printf '[kafka] ---- last lines of %s ----\n' "$SERVER_LOG" >&2
    tail -c +"$((SERVER_LOG_MARK + 1))" "$SERVER_LOG" | tail -n 25 >&2
  fi
  printf '[kafka] ----\n' >&2
}

# ---------------------------------------------------------------------------
# jars
# ---------------------------------------------------------------------------
ensure_jars() {
  local stamp
  stamp="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$LIB_DIR/.pom.sha256" && "$(cat "$LIB_DIR/.pom.sha256")" == "$stamp" ]] && compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; install Maven (apt-get install maven) so the Kafka jars can be fetched from Maven Central"
  if [[ -d "$LIB_DIR" ]]; then
    log "$POM changed since the jars were resolved; re-resolving"
  fi
  log "resolving jars from Maven Central (first run only, ~1 min)..."
  mkdir -p "$LOG_DIR"
  rm -rf "$LIB_DIR.tmp"
  local t0=$SECONDS
  # shellcheck disable=SC2086 # KAFKA_MVN_ARGS is a list of arguments on purpose
  if ! mvn -B -q -Dstyle.color=never $KAFKA_MVN_ARGS -f "$POM" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB_DIR.tmp" >"$MVN_LOG" 2>&1; then
    tail -n 30 "$MVN_LOG" >&2 || true
    rm -rf "$LIB_DIR.tmp"
    die "Maven could not resolve the Kafka jars (full log: $MVN_LOG). Check that Maven Central is reachable (or your ~/.m2/settings.xml mirror), then run 'up' again"
  fi
  printf '%s\n' "$stamp" >"$LIB_DIR.tmp/.pom.sha256"
  # Swap in atomically-ish: an interrupted resolution never leaves a half-filled lib/.
  rm -rf "$LIB_DIR"
  mv "$LIB_DIR.tmp" "$LIB_DIR"
  log "resolved $(find "$LIB_DIR" -name '*.jar' | wc -l) jars into $LIB_DIR in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------
# config
# ---------------------------------------------------------------------------
write_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIR" "$TOOLS_DIR"
  # Rewritten on every `up`, so env overrides (ports, auto-create) always apply.
  # The quorum is *static* (controller.quorum.voters), which keeps the controller
  # endpoint out of the formatted metadata log: changing KAFKA_CONTROLLER_PORT
  # later works without wiping data (with --standalone/dynamic quorum it would not).
  cat >"$SERVER_PROPS" <<EOF
# Generated by scripts/kafka/kafka.sh on every 'up'; edits here are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}

listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=${DATA_DIR}

# Single node: every internal topic has exactly one replica.
num.partitions=5
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# 5 instead of 50 partitions for the internal topics: a much smaller, faster-to-create
# __consumer_offsets / __transaction_state on a dev box (only used when first created).
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Dev/CI: consumer groups start at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0

# Topics must be created explicitly (admin client / createTopics), as in production;
# a typo in a topic name then fails loudly instead of creating a stray topic.
# KAFKA_AUTO_CREATE_TOPICS=true turns auto-creation on (with num.partitions above).
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS}
EOF

  # Broker logging: Kafka 4 uses log4j2. Everything goes to logs/server.log
  # (rolled at 20 MB, 3 files kept); nothing to the console, so kafka.out only
  # catches JVM-level failures. shutdownHook="disable": otherwise log4j2's own
  # shutdown hook races Kafka's and the shutdown messages are lost.
  cat >"$LOG4J_SERVER" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka/kafka.sh -->
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <RollingFile name="server" fileName="${sys:kafka.logs.dir}/server.log"
                 filePattern="${sys:kafka.logs.dir}/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <SizeBasedTriggeringPolicy size="20 MB"/>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="server"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
  </Loggers>
</Configuration>
EOF

  # Short-lived JVMs (storage format, readiness probe): errors only, to stderr.
  cat >"$LOG4J_TOOLS" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka/kafka.sh -->
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <Console name="stderr" target="SYSTEM_ERR"><PatternLayout pattern="[kafka-tool] %p %m%n"/></Console>
  </Appenders>
  <Loggers>
    <Root level="ERROR"><AppenderRef ref="stderr"/></Root>
  </Loggers>
</Configuration>
EOF
}

# Readiness probe: one JVM that polls with a real Kafka admin client until the
# broker answers DescribeCluster with itself in the node list, ListTopics and a
# group-coordinator lookup (OffsetFetch).
# Compiled once by ensure_probe, before the broker starts (javac then does not
# compete with broker startup for the CPU); falls back to the java source launcher.
probe_source() {
  cat <<'EOF'
// Generated by scripts/kafka/kafka.sh: exit 0 = ready, 2 = timed out, 3 = broker process died.
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

public class KafkaReady {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    long pid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka.sh-ready-check");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    String last = "no answer yet";
    Admin admin = Admin.create(p);
    int code;
    while (true) {
      if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        System.err.println("broker process " + pid + " exited");
        code = 3;
        break;
      }
      try {
        DescribeClusterResult r = admin.describeCluster();
        Collection<Node> nodes = r.nodes().get(4, TimeUnit.SECONDS);
        String clusterId = r.clusterId().get(4, TimeUnit.SECONDS);
        int topics = admin.listTopics().names().get(4, TimeUnit.SECONDS).size();
        // Group coordinator round trip: on a fresh broker this creates and loads
        // __consumer_offsets, so the first consumer of a test does not get
        // COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS retries.
        admin.listConsumerGroupOffsets("kafka.sh-ready-check").partitionsToOffsetAndMetadata().get(4, TimeUnit.SECONDS);
        if (!nodes.isEmpty()) {
          System.out.println("cluster " + clusterId + ", " + nodes.size() + " broker(s), " + topics + " topic(s)");
          code = 0;
          break;
        }
        last = "cluster has no brokers yet";
      } catch (Exception e) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        last = c.getClass().getSimpleName() + ": " + c.getMessage();
      }
      if (System.nanoTime() > deadline) {
        System.err.println("no answer from " + bootstrap + ": " + last);
        code = 2;
        break;
      }
      Thread.sleep(300);
    }
    admin.close(Duration.ofSeconds(1));
    System.exit(code);
  }
}
EOF
}

ensure_probe() {
  local src="$TOOLS_DIR/KafkaReady.java" cls="$TOOLS_DIR/KafkaReady.class"
  mkdir -p "$TOOLS_DIR"
  probe_source >"$src.new"
  if cmp -s "$src.new" "$src"; then rm -f "$src.new"; else mv "$src.new" "$src"; fi
  if [[ -f "$cls" && ! "$src" -nt "$cls" && ! "$LIB_DIR/.pom.sha256" -nt "$cls" ]]; then
    return 0
  fi
  rm -f "$TOOLS_DIR"/KafkaReady*.class
  if command -v javac >/dev/null 2>&1; then
    javac -nowarn -cp "$LIB_DIR/*" -d "$TOOLS_DIR" "$src" >"$LOG_DIR/probe-javac.log" 2>&1 ||
      warn "could not compile the readiness probe (see $LOG_DIR/probe-javac.log); using the java source launcher"
  fi
}

run_probe() {
  if [[ -f "$TOOLS_DIR/KafkaReady.class" ]]; then
    tool_java_cp "$TOOLS_DIR:$LIB_DIR/*" KafkaReady "$@"
  else
    tool_java_cp "$LIB_DIR/*" "$TOOLS_DIR/KafkaReady.java" "$@"
  fi
}

tool_java_cp() {
  local cp=$1
  shift
  java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$LOG4J_TOOLS" -cp "$cp" "$@"
}

tool_java() {
  tool_java_cp "$LIB_DIR/*" "$@"
}

format_storage() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    log "storage already formatted ($(sed -n 's/^cluster.id=/cluster id /p' "$DATA_DIR/meta.properties"))"
    return 0
  fi
  log "formatting storage in $DATA_DIR (first run only)..."
  local cluster_id out
  cluster_id="$(tool_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1 | tr -d '[:space:]')"
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka.tools.StorageTool random-uuid printed '$cluster_id', not a cluster id; delete $LIB_DIR and run 'up' again"
  # Static quorum (controller.quorum.voters) => no --standalone.
  if ! out="$(tool_java kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$SERVER_PROPS" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting $DATA_DIR failed (see above). If it holds data from another Kafka version or cluster, run: KAFKA_WIPE=1 $0 down && $0 up"
  fi
  log "formatted with cluster id $cluster_id"
}

# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------
# wait_ready [pid]: port open, then a real metadata round trip; fails fast if pid dies.
wait_ready() {
  local pid="${1:-}" start=$SECONDS deadline=$((SECONDS + KAFKA_WAIT_TIMEOUT))
  log "waiting for the broker on $BOOTSTRAP (timeout ${KAFKA_WAIT_TIMEOUT}s)..."
  until port_open "$KAFKA_PORT"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail
      rm -f "$PID_FILE"
      die "the broker (pid $pid) exited during startup; see $SERVER_LOG and $STDOUT_LOG"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      die "the broker did not open $BOOTSTRAP within ${KAFKA_WAIT_TIMEOUT}s; see $SERVER_LOG (raise KAFKA_WAIT_TIMEOUT on a slow machine)"
    fi
    sleep 0.3
  done
  [[ -f "$LOG4J_TOOLS" ]] || write_config
  ensure_probe
  local left=$((deadline - SECONDS)) rc=0 info
  ((left > 5)) || left=5
  info="$(run_probe "$BOOTSTRAP" "$left" ${pid:+"$pid"})" || rc=$?
  case $rc in
    0) log "ready on $BOOTSTRAP after $((SECONDS - start))s: $info" ;;
    3) show_log_tail; rm -f "$PID_FILE"; die "the broker (pid $pid) exited during startup; see $SERVER_LOG and $STDOUT_LOG" ;;
    *) show_log_tail; die "the broker on $BOOTSTRAP did not answer a metadata request within ${KAFKA_WAIT_TIMEOUT}s; see $SERVER_LOG" ;;
  esac
}

cmd_up() {
  local t0=$SECONDS pid
  lock
  need_java
  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    log "already started (pid $pid) but not listening on $BOOTSTRAP yet"
    wait_ready "$pid"
    return 0
  fi
  if [[ -f "$PID_FILE" ]]; then
    log "removing stale pid file $PID_FILE"
    rm -f "$PID_FILE"
  fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT on 127.0.0.1 is already in use by a process this script did not start; stop it or pick another port with KAFKA_PORT=..."
  port_open "$KAFKA_CONTROLLER_PORT" && die "controller port $KAFKA_CONTROLLER_PORT on 127.0.0.1 is already in use; stop that process or pick another port with KAFKA_CONTROLLER_PORT=..."

  ensure_jars
  write_config
  ensure_probe
  format_storage

  local jar version=""
  for jar in "$LIB_DIR"/kafka_2.13-*.jar; do
    version="${jar##*/kafka_2.13-}"
    version="${version%.jar}"
  done
  log "starting Kafka $version (heap: $KAFKA_HEAP), logs in $LOG_DIR"
  : >"$STDOUT_LOG"
  SERVER_LOG_MARK=0
  [[ -f "$SERVER_LOG" ]] && SERVER_LOG_MARK=$(wc -c <"$SERVER_LOG")
  local setsid=()
  command -v setsid >/dev/null 2>&1 && setsid=(setsid)
  # 9>&-: the broker must not inherit the lock fd, or it would hold the lock forever.
  # shellcheck disable=SC2086 # KAFKA_HEAP / KAFKA_OPTS are lists of JVM flags on purpose
  nohup "${setsid[@]}" java $KAFKA_HEAP \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$LOG4J_SERVER" \
    $KAFKA_OPTS \
    -cp "$LIB_DIR/*" kafka.Kafka "$SERVER_PROPS" >"$STDOUT_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  log "started pid $pid (pid file $PID_FILE)"
  wait_ready "$pid"
  log "up in $((SECONDS - t0))s; bootstrap servers: $BOOTSTRAP"
}

cmd_down() {
  local wipe=$KAFKA_WIPE pid
  [[ "${1:-}" == "--wipe" ]] && wipe=1
  lock
  if pid="$(running_pid)"; then
    log "stopping broker (pid $pid) with SIGTERM..."
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0 how="stopped"
    while kill -0 "$pid" 2>/dev/null; do
      if ((waited >= KAFKA_STOP_TIMEOUT * 10)); then
        warn "still running after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL (the next start will recover the logs)"
        kill -KILL "$pid" 2>/dev/null || true
        how="killed"
        while kill -0 "$pid" 2>/dev/null && ((waited < KAFKA_STOP_TIMEOUT * 10 + 50)); do
          sleep 0.1
          waited=$((waited + 1))
        done
        break
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -0 "$pid" 2>/dev/null && die "pid $pid survived SIGKILL; check it with: ps -fp $pid"
    log "$how (after $((waited / 10)).$((waited % 10))s)"
  else
    log "not running"
  fi
  rm -f "$PID_FILE"
  if [[ "$wipe" == 1 ]]; then
    log "wiping data dir $DATA_DIR"
    rm -rf "$DATA_DIR"
  fi
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT"; then
      log "running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    log "starting (pid $pid), not listening on $BOOTSTRAP yet"
    return 1
  fi
  if port_open "$KAFKA_PORT"; then
    log "not running from $KAFKA_HOME_DIR, but something else listens on $BOOTSTRAP"
  else
    log "not running"
  fi
  return 1
}

cmd_wait() {
  local pid=""
  need_java
  if ! pid="$(running_pid)"; then
    pid=""
    # An `up` that is still resolving jars or formatting holds the lock: wait for it.
    if command -v flock >/dev/null 2>&1 && [[ -f "$KAFKA_HOME_DIR/.lock" ]]; then
      exec 9>>"$KAFKA_HOME_DIR/.lock"
      if ! flock -n 9; then
        log "an 'up' is in progress; waiting for it to finish..."
        flock -w "$KAFKA_WAIT_TIMEOUT" 9 || die "the 'up' in progress did not finish within ${KAFKA_WAIT_TIMEOUT}s; see $LOG_DIR"
      fi
      exec 9>&-
      pid="$(running_pid)" || pid=""
    fi
    if [[ -z "$pid" ]] && ! port_open "$KAFKA_PORT"; then
      die "no broker is running from $KAFKA_HOME_DIR and nothing listens on $BOOTSTRAP; start one with: $0 up"
    fi
  fi
  [[ -f "$LIB_DIR/.pom.sha256" ]] || die "no Kafka jars in $LIB_DIR for the readiness probe; run: $0 up"
  wait_ready "$pid"
}

check_port_var KAFKA_PORT "$KAFKA_PORT"
check_port_var KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both are $KAFKA_PORT)"
[[ "$KAFKA_WAIT_TIMEOUT" =~ ^[0-9]+$ ]] || die "KAFKA_WAIT_TIMEOUT='$KAFKA_WAIT_TIMEOUT' is not a number of seconds"
[[ "$KAFKA_STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "KAFKA_STOP_TIMEOUT='$KAFKA_STOP_TIMEOUT' is not a number of seconds"
[[ "$KAFKA_AUTO_CREATE_TOPICS" == true || "$KAFKA_AUTO_CREATE_TOPICS" == false ]] || die "KAFKA_AUTO_CREATE_TOPICS must be true or false"

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  -h | --help | help) usage ;;
  "") usage >&2; exit 2 ;;
  *) usage >&2; die "unknown command '$1'" ;;
esac
