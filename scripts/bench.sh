#!/usr/bin/env bash
# Throughput benchmark (not a test): builds what it needs, then prints median/min/max per figure and,
# as its last line, "BENCH {json}". --quick finishes in a few minutes. --peer also measures Model S in
# PyTorch on the CPU (scripts/torch_model_s.py), in turns with the project's repeats; it installs
# Debian's python3-torch with OpenBLAS when missing and it can (root with apt-get), and otherwise the
# benchmark says why it skips the peer.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Debian's python3-torch is for the system interpreter, which a pyenv or venv python3 on PATH hides.
has_torch() { "$1" -c 'import torch' 2>/dev/null; }
PYTHON="${PYTHON:-python3}"
if [[ " $* " == *" --peer "* ]] && ! has_torch "$PYTHON"; then
  if ! has_torch /usr/bin/python3 && [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing python3-torch and libopenblas0-pthread for the PyTorch peer..." >&2
    apt-get install -y -q python3-torch libopenblas0-pthread >/dev/null 2>&1 || \
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q python3-torch libopenblas0-pthread >/dev/null 2>&1; } || \
      echo "could not install python3-torch; the peer will be skipped" >&2
  fi
  if has_torch /usr/bin/python3; then
    PYTHON=/usr/bin/python3
  fi
fi
export PYTHON
build_if_needed
cd "$ROOT"
# The benchmark's own jar is not part of the jobs' jar (build_if_needed): rebuild when it is missing or older
# than its sources.
if [[ ! -f "$BENCH_JAR" || -n "$(find "$ROOT/bench" -newer "$BENCH_JAR" -type f \( -name '*.java' -o -name pom.xml \) \
      -not -path '*/target/*' -not -path '*/src/test/*' | head -1)" ]]; then
  build
fi
EXTRA_CLASSPATH="$BENCH_JAR" run_printing_last "BENCH " org.imgpipe.bench.BenchJob "$@"
