#!/usr/bin/env bash
# Builds the jobs (the shaded jar for spark-submit and the local classpath) with Maven, skipping the
# tests. scripts/submit.sh never builds: run this after every checkout or change.
set -euo pipefail
source "$(dirname "$0")/env.sh"
build
echo "built $SHADED_JAR"
