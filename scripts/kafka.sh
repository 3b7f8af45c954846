#!/usr/bin/env bash
# scripts/kafka.sh: a real single-node Apache Kafka broker (KRaft, broker and
# controller in one JVM) on 127.0.0.1 for tests and local runs.
#
#   scripts/kafka.sh up        fetch the jars if missing, format a fresh data
#                              dir, start, wait until it answers, print address
#   scripts/kafka.sh down      stop the broker by its PID file, remove its data
#   scripts/kafka.sh restart   stop and start again on the SAME data (tests use
#                              it to prove nothing is lost across a restart);
#                              with --kill the broker is killed (SIGKILL, a
#                              crash) instead of stopped
#   scripts/kafka.sh status    exit 0 and print the address when it runs
#   scripts/kafka.sh fetch     only fetch and verify the jars
#
# Environment (all optional):
#   LINKSTREAM_CACHE          cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/linkstream)
#   LINKSTREAM_KAFKA_PORT     client port (default 19092); the controller uses port+1
#   LINKSTREAM_KAFKA_DIR      state dir: data, logs, PID file
#                             (default ${TMPDIR:-/tmp}/linkstream-kafka-$PORT)
#   LINKSTREAM_KAFKA_HEAP     JVM max heap (default 512m)
#   KAFKA_VERSION             broker version (default below); another version
#   KAFKA_JARS_SHA256         needs the sha256 of its jar manifest (see verify)
#
# The jars come from Maven Central through Maven itself (a generated pom, then
# dependency:copy-dependencies), are cached under $LINKSTREAM_CACHE/kafka/<v>/
# and verified against a pinned sha256 of the sorted "sha256  name" manifest
# of every jar, so a second run does no network work and takes well under a
# second before the JVM starts.
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.3.0}
# Log4j 2 binding for slf4j 1.7 (the API Kafka's jars pull in): without it the
# broker logs nothing at all.
LOG4J_VERSION=2.25.4
# sha256 of `sha256sum *.jar | sort -k2` over the jars of KAFKA_VERSION above.
PINNED_SHA256=334f3559b7094cc60a6579054e2529d9c5cfbf3f6aacccdad3b7831e31449338
if [[ $KAFKA_VERSION == 4.3.0 ]]; then
	KAFKA_JARS_SHA256=${KAFKA_JARS_SHA256:-$PINNED_SHA256}
fi

CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
HOME_DIR=$CACHE/kafka/$KAFKA_VERSION
LIBS=$HOME_DIR/libs
PORT=${LINKSTREAM_KAFKA_PORT:-19092}
CPORT=$((PORT + 1))
STATE=${LINKSTREAM_KAFKA_DIR:-${TMPDIR:-/tmp}/linkstream-kafka-$PORT}
PIDFILE=$STATE/kafka.pid
LOG=$STATE/kafka.log
ADDR=127.0.0.1:$PORT
HEAP=${LINKSTREAM_KAFKA_HEAP:-512m}
START_TIMEOUT=${LINKSTREAM_KAFKA_START_TIMEOUT:-90}

say() { echo "kafka.sh: $*" >&2; }
die() {
	say "error: $*"
	exit 1
}

manifest_sum() { (cd "$LIBS" && sha256sum -- *.jar | sort -k2 | sha256sum | cut -d' ' -f1); }

verify() {
	local got
	got=$(manifest_sum)
	if [[ -z ${KAFKA_JARS_SHA256:-} ]]; then
		die "no pinned sha256 for Kafka $KAFKA_VERSION; its jar manifest hashes to $got: set KAFKA_JARS_SHA256=$got after checking the jars"
	fi
	[[ $got == "$KAFKA_JARS_SHA256" ]] || die "jar manifest sha256 mismatch in $LIBS: got $got, want $KAFKA_JARS_SHA256 (delete $HOME_DIR to refetch)"
}

fetch() {
	if [[ -f $HOME_DIR/.verified ]] && [[ -d $LIBS ]]; then
		return 0
	fi
	command -v java >/dev/null || die "java (17+) is not installed"
	command -v mvn >/dev/null || die "mvn (Maven 3.8+) is not installed"
	local tmp
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	cat >"$tmp/pom.xml" <<EOF
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>linkstream</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
	say "fetching Apache Kafka $KAFKA_VERSION broker jars with Maven into $LIBS"
	rm -rf "$LIBS"
	mkdir -p "$HOME_DIR"
	if ! mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$tmp/libs" >"$tmp/mvn.log" 2>&1; then
		cat "$tmp/mvn.log" >&2
		die "maven could not fetch kafka_2.13:$KAFKA_VERSION"
	fi
	mv "$tmp/libs" "$LIBS"
	verify
	(cd "$LIBS" && sha256sum -- *.jar | sort -k2) >"$HOME_DIR/jars.sha256"
	touch "$HOME_DIR/.verified"
	say "fetched $(ls "$LIBS" | wc -l) jars ($(du -sh "$LIBS" | cut -f1)), manifest sha256 $KAFKA_JARS_SHA256"
}

check_java() {
	command -v java >/dev/null || die "java (17+) is not installed: Apache Kafka $KAFKA_VERSION needs a Java 17 runtime"
	local v
	v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
	[[ -n $v && $v -ge 17 ]] || die "java is version ${v:-unknown}; Apache Kafka $KAFKA_VERSION needs 17 or newer"
}

running() {
	[[ -f $PIDFILE ]] || return 1
	local pid
	pid=$(cat "$PIDFILE")
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
	mkdir -p "$STATE/data"
	cat >"$STATE/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$STATE/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
# Tests send 10 MB poison records on purpose.
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
log.retention.hours=24
log.segment.bytes=104857600
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
	cat >"$STATE/log4j2.properties" <<EOF
status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = $LOG
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

java_cmd() {
	java -Xms64m -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
		-Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$STATE/log4j2.properties" \
		-cp "$LIBS/*" "$@"
}

format() {
	local id
	# A cluster id is 16 random bytes in URL-safe base64 without padding
	# (what `kafka-storage random-uuid` prints), made here to spare a JVM.
	# Like Kafka, never start it with "-", which would read as a flag.
	id=-
	while [[ $id == -* ]]; do
		id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
	done
	[[ ${#id} -eq 22 ]] || die "could not generate a cluster id"
	java_cmd kafka.tools.StorageTool format -t "$id" -c "$STATE/server.properties" \
		>>"$STATE/format.log" 2>&1 || {
		cat "$STATE/format.log" >&2
		die "storage format failed"
	}
}

start() {
	port_open "$PORT" && die "port $PORT is already in use by another process (set LINKSTREAM_KAFKA_PORT)"
	local pid deadline
	nohup bash -c 'exec "$@"' _ java -Xms64m -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
		-Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$STATE/log4j2.properties" \
		-cp "$LIBS/*" kafka.Kafka "$STATE/server.properties" \
		>>"$STATE/kafka.out" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$PIDFILE"
	deadline=$((SECONDS + START_TIMEOUT))
	# Ready when the client port accepts connections AND the server logged that
	# startup finished (the port opens a little before the broker is unfenced).
	until port_open "$PORT" && grep -q "Kafka Server started" "$LOG" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$STATE/kafka.out" "$LOG" >&2 2>/dev/null || true
			rm -f "$PIDFILE"
			die "broker exited during startup (logs in $STATE)"
		fi
		if ((SECONDS > deadline)); then
			tail -n 30 "$LOG" >&2 2>/dev/null || true
			stop
			die "broker did not answer within ${START_TIMEOUT}s (logs in $STATE)"
		fi
		sleep 0.2
	done
}

# stop [KILL]: SIGTERM (a controlled shutdown), or SIGKILL (a crash).
stop() {
	running || {
		rm -f "$PIDFILE"
		return 0
	}
	local pid i
	pid=$(cat "$PIDFILE")
	kill "-${1:-TERM}" "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "broker $pid ignored SIGTERM for 30s, killing it"
		kill -KILL "$pid" 2>/dev/null || true
		sleep 0.5
	fi
	rm -f "$PIDFILE"
}

cmd=${1:-}
case $cmd in
fetch)
	fetch
	;;
up)
	fetch
	if running; then
		say "already running (pid $(cat "$PIDFILE"), state $STATE)"
		echo "$ADDR"
		exit 0
	fi
	check_java
	rm -rf "$STATE"
	mkdir -p "$STATE"
	write_config
	format
	start
	say "Apache Kafka $KAFKA_VERSION up at $ADDR (pid $(cat "$PIDFILE"), logs $LOG)"
	echo "$ADDR"
	;;
restart)
	fetch
	[[ -f $STATE/server.properties ]] || die "no broker state in $STATE: run 'up' first"
	check_java
	case ${2:-} in
	"") stop ;;
	--kill) stop KILL ;;
	*) die "usage: $0 restart [--kill]" ;;
	esac
	start
	say "Apache Kafka $KAFKA_VERSION restarted at $ADDR on the same data (pid $(cat "$PIDFILE"))"
	echo "$ADDR"
	;;
down)
	if running; then
		stop
		say "stopped broker at $ADDR"
	else
		say "no broker running for $STATE"
	fi
	rm -rf "$STATE"
	;;
status)
	if running; then
		echo "$ADDR"
	else
		say "not running ($STATE)"
		exit 1
	fi
	;;
*)
	echo "usage: $0 up|down|restart [--kill]|status|fetch" >&2
	exit 2
	;;
esac
