#!/usr/bin/env bash
# Throughput benchmark (not a test): builds what it needs, then prints median/min/max per figure and,
# as its last line, "BENCH {json}". --quick finishes in a few minutes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
build_if_needed
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cd "$ROOT"
# shellcheck disable=SC2086
java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS -cp "$(local_classpath)" \
  org.imgpipe.jobs.BenchJob "$@" | tee "$log" | grep --line-buffered -v '^BENCH '
grep '^BENCH ' "$log" | tail -1
