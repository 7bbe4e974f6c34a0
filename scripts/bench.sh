#!/usr/bin/env bash
# Throughput benchmark (not a test): builds what it needs, then prints median/min/max per figure and,
# as its last line, "BENCH {json}". --quick finishes in a few minutes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
build_if_needed
cd "$ROOT"
run_printing_last "BENCH " org.imgpipe.jobs.BenchJob "$@"
