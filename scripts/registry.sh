#!/usr/bin/env bash
# scripts/registry.sh: a real Schema Registry (Apicurio Registry, in-memory
# H2 storage, Confluent-compatible API) on 127.0.0.1 for tests and local runs.
#
#   scripts/registry.sh up       fetch and build if missing, start, wait until
#                                it answers, print the Confluent API URL
#   scripts/registry.sh down     stop it by its PID file, remove its state
#   scripts/registry.sh status   exit 0 and print the URL when it runs
#   scripts/registry.sh fetch    only fetch, build and verify
#
# Environment (all optional):
#   LINKSTREAM_CACHE            cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/linkstream)
#   LINKSTREAM_REGISTRY_PORT    HTTP port (default 19481)
#   LINKSTREAM_REGISTRY_DIR     state dir: log, PID file
#                               (default ${TMPDIR:-/tmp}/linkstream-registry-$PORT)
#   LINKSTREAM_REGISTRY_HEAP    JVM max heap (default 384m)
#
# Why this version. Apicurio publishes the registry to Maven Central as a
# plain jar of the app (apicurio-registry-app) that its own build turns into
# a runnable Quarkus application; this script does the same with a generated
# pom and the quarkus-maven-plugin. Of the versions the package registry
# here serves, 3.3.3, 3.3.2 and 3.0.9 cannot be assembled (their
# apicurio-registry-schema-util-* modules or parent pom are not served) and
# 2.6.13.Final neither (schema-util-provider); 2.4.2.Final can, with two
# adjustments: everit json-schema (not on Maven Central; only JSON Schema
# artifacts need it, Avro does not) is left out, and the config-index
# extension is pinned to 0.1.10.Final, the newest whose Quarkus deployment
# artifact is served (2.4.2 asks for 0.1.18.Final). Its Confluent API is
# /apis/ccompat/v7, as in 3.x.
#
# The dependency jars are verified against a pinned sha256 of their sorted
# "sha256  name" manifest (as scripts/kafka.sh does for Kafka's), so a second
# run does no network or build work.
set -euo pipefail

APICURIO_VERSION=2.4.2.Final
QUARKUS_VERSION=2.16.4.Final
CONFIG_INDEX_VERSION=0.1.10.Final
# sha256 of `sha256sum lib/*.jar | sort -k2` over the 295 jars of the above.
PINNED_SHA256=6195ee9f913bd0709ff7f55132181fa5a4dc9a8390f51bec2f9ee9e713c4ac5f

CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
HOME_DIR=$CACHE/apicurio/$APICURIO_VERSION
PORT=${LINKSTREAM_REGISTRY_PORT:-19481}
STATE=${LINKSTREAM_REGISTRY_DIR:-${TMPDIR:-/tmp}/linkstream-registry-$PORT}
PIDFILE=$STATE/registry.pid
LOG=$STATE/registry.log
URL=http://127.0.0.1:$PORT/apis/ccompat/v7
HEAP=${LINKSTREAM_REGISTRY_HEAP:-384m}
START_TIMEOUT=${LINKSTREAM_REGISTRY_START_TIMEOUT:-180}

say() { echo "registry.sh: $*" >&2; }
die() {
	say "error: $*"
	exit 1
}

manifest_sum() { (cd "$HOME_DIR/lib" && sha256sum -- *.jar | sort -k2 | sha256sum | cut -d' ' -f1); }

fetch() {
	if [[ -f $HOME_DIR/.verified && -f $HOME_DIR/registry-runner.jar ]]; then
		return 0
	fi
	command -v java >/dev/null || die "java (17+) is not installed"
	command -v mvn >/dev/null || die "mvn (Maven 3.8+) is not installed"
	local tmp
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	mkdir -p "$tmp/src/main/resources"
	cat >"$tmp/pom.xml" <<EOF
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>linkstream</groupId>
  <artifactId>registry</artifactId>
  <version>0</version>
  <packaging>jar</packaging>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.apicurio</groupId>
        <artifactId>apicurio-common-app-components-config-index</artifactId>
        <version>$CONFIG_INDEX_VERSION</version>
      </dependency>
      <dependency>
        <groupId>io.apicurio</groupId>
        <artifactId>apicurio-common-app-components-config-index-deployment</artifactId>
        <version>$CONFIG_INDEX_VERSION</version>
      </dependency>
      <dependency>
        <groupId>io.apicurio</groupId>
        <artifactId>apicurio-registry</artifactId>
        <version>$APICURIO_VERSION</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.apicurio</groupId>
      <artifactId>apicurio-registry-app</artifactId>
      <version>$APICURIO_VERSION</version>
      <exclusions>
        <exclusion>
          <groupId>com.github.everit-org.json-schema</groupId>
          <artifactId>org.everit.json.schema</artifactId>
        </exclusion>
      </exclusions>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>io.quarkus</groupId>
        <artifactId>quarkus-maven-plugin</artifactId>
        <version>$QUARKUS_VERSION</version>
        <executions>
          <execution>
            <goals><goal>build</goal></goals>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
EOF
	# The app jar carries no bean index: tell Quarkus to index it, or none
	# of its REST resources and storage beans would be found.
	cat >"$tmp/src/main/resources/application.properties" <<EOF
quarkus.index-dependency.registry.group-id=io.apicurio
quarkus.index-dependency.registry.artifact-id=apicurio-registry-app
EOF
	say "fetching Apicurio Registry $APICURIO_VERSION with Maven and building it with Quarkus $QUARKUS_VERSION (a minute or two; log in $tmp/mvn.log)"
	if ! nice mvn -B -ntp -f "$tmp/pom.xml" package -DskipTests >"$tmp/mvn.log" 2>&1; then
		tail -n 30 "$tmp/mvn.log" >&2
		die "maven could not build apicurio-registry-app:$APICURIO_VERSION"
	fi
	rm -rf "$HOME_DIR"
	mkdir -p "$HOME_DIR"
	mv "$tmp/target/lib" "$HOME_DIR/lib"
	mv "$tmp/target/registry-0-runner.jar" "$HOME_DIR/registry-runner.jar"
	local got
	got=$(manifest_sum)
	if [[ $got != "$PINNED_SHA256" ]]; then
		rm -rf "$HOME_DIR"
		die "jar manifest sha256 mismatch: got $got, want $PINNED_SHA256"
	fi
	(cd "$HOME_DIR/lib" && sha256sum -- *.jar | sort -k2) >"$HOME_DIR/jars.sha256"
	touch "$HOME_DIR/.verified"
	say "built $(ls "$HOME_DIR/lib" | wc -l) jars ($(du -sh "$HOME_DIR" | cut -f1)), manifest sha256 ok"
}

running() {
	[[ -f $PIDFILE ]] || return 1
	local pid
	pid=$(cat "$PIDFILE")
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

answers() { curl -sf -o /dev/null "$URL/subjects" 2>/dev/null; }

start() {
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null &&
		die "port $PORT is already in use by another process (set LINKSTREAM_REGISTRY_PORT)"
	command -v curl >/dev/null || die "curl is not installed (used to wait for the registry)"
	local pid deadline
	# The legacy-jar runner finds lib/ beside it: run from the cache.
	nohup bash -c 'cd "$1" && shift && exec "$@"' _ "$HOME_DIR" java -Xms64m -Xmx"$HEAP" \
		-Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
		-Dquarkus.log.level=WARN -Dquarkus.log.category.\"io.apicurio\".level=WARN \
		-jar registry-runner.jar >>"$LOG" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$PIDFILE"
	deadline=$((SECONDS + START_TIMEOUT))
	until answers; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 30 "$LOG" >&2 || true
			rm -f "$PIDFILE"
			die "registry exited during startup (log $LOG)"
		fi
		if ((SECONDS > deadline)); then
			tail -n 30 "$LOG" >&2 || true
			stop
			die "registry did not answer within ${START_TIMEOUT}s (log $LOG)"
		fi
		sleep 0.5
	done
}

stop() {
	running || {
		rm -f "$PIDFILE"
		return 0
	}
	local pid i
	pid=$(cat "$PIDFILE")
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "registry $pid ignored SIGTERM for 20s, killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
}

case ${1:-} in
fetch) fetch ;;
up)
	fetch
	if running; then
		say "already running (pid $(cat "$PIDFILE"))"
		echo "$URL"
		exit 0
	fi
	rm -rf "$STATE"
	mkdir -p "$STATE"
	started=$SECONDS
	start
	say "Apicurio Registry $APICURIO_VERSION up at $URL in $((SECONDS - started))s (pid $(cat "$PIDFILE"), log $LOG)"
	echo "$URL"
	;;
down)
	if running; then
		stop
		say "stopped registry at $URL"
	else
		say "no registry running for $STATE"
	fi
	rm -rf "$STATE"
	;;
status)
	if running && answers; then
		echo "$URL"
	else
		say "not running ($STATE)"
		exit 1
	fi
	;;
*)
	echo "usage: $0 up|down|status|fetch" >&2
	exit 2
	;;
esac
