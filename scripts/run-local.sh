#!/usr/bin/env bash
# Builds if needed, then runs ingest -> train -> evaluate -> report in Spark local mode, by default on
# the embedded sample data with conf/sample.conf. Pass your own settings instead with --config FILE
# (e.g. conf/cifar10-dev.conf) and/or -Dkey=value. The last two lines are "report: <path to
# index.html>" and "metrics: <path to metrics.json>".
set -euo pipefail
source "$(dirname "$0")/env.sh"
build_if_needed
cd "$ROOT"
profile=(--config "$ROOT/conf/sample.conf")
for a in "$@"; do [[ "$a" == --config* ]] && profile=(); done
run_printing_last "report: |metrics: " org.imgpipe.jobs.PipelineJob "${profile[@]}" "$@"
