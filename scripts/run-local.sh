#!/usr/bin/env bash
# Builds if needed, then runs ingest -> train -> evaluate in Spark local mode, by default on the
# embedded sample data with conf/sample.conf. Pass your own settings instead with --config FILE
# (e.g. conf/cifar10-dev.conf) and/or -Dkey=value. The last line is "metrics: <path to metrics.json>".
set -euo pipefail
source "$(dirname "$0")/env.sh"
build_if_needed
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cd "$ROOT"
profile=(--config "$ROOT/conf/sample.conf")
for a in "$@"; do [[ "$a" == --config* ]] && profile=(); done
# shellcheck disable=SC2086
java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS -cp "$(local_classpath)" \
  org.imgpipe.jobs.PipelineJob "${profile[@]}" "$@" | tee "$log" | grep --line-buffered -v '^metrics: '
# Printed last, after Spark's shutdown messages; a local file as a plain path.
grep '^metrics: ' "$log" | tail -1 | sed 's#^metrics: file:#metrics: #'
