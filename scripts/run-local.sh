#!/usr/bin/env bash
# Builds if needed, then runs ingest -> train -> evaluate -> report in Spark local mode, by default on
# the embedded sample data with conf/sample.conf. Pass your own settings instead with --config FILE
# (e.g. conf/cifar10-dev.conf) and/or -Dkey=value. The sample profile (3 epochs, batch 16, BatchNorm
# momentum 0.9) applies only to the sample data: giving --config or -Dpipeline.data.root turns it off.
# The first line says which profile runs; the last two are "report: <path to index.html>" and
# "metrics: <path to metrics.json>".
set -euo pipefail
source "$(dirname "$0")/env.sh"
profile=(--config "$ROOT/conf/sample.conf")
for a in "$@"; do
  [[ "$a" == --config* || "$a" == -Dpipeline.data.root=* ]] && profile=()
done
if [[ ${#profile[@]} -gt 0 ]]; then
  echo "profile: conf/sample.conf (the embedded sample data; pass --config or -Dpipeline.data.root for your own)"
else
  echo "profile: the defaults of conf/application.conf (the reference recipe) with your --config and -D settings"
fi
build_if_needed
cd "$ROOT"
run_printing_last "report: |metrics: " org.imgpipe.jobs.PipelineJob "${profile[@]}" "$@"
