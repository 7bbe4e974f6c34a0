#!/usr/bin/env bash
# Submits one job of the shaded jar through Spark's own SparkSubmit, the way spark-submit is used:
#   scripts/submit.sh [spark-submit options] JOB [job arguments]
# The spark-submit options (--master URL, --deploy-mode client|cluster, --conf k=v, --verbose, ...)
# come before the job's name and reach spark-submit as they are; everything after the name reaches the
# job unchanged: [--config FILE] [-Dkey=value ...] [the job's own options and words], e.g.
#   scripts/submit.sh --master yarn score --input 'hdfs:///dumps/2026-11-*' --output hdfs:///scores
#   scripts/submit.sh models list | promote ID | rollback
# JOB: one of scripts/env.sh's JOB_CLASSES (ingest, train, evaluate, report, pipeline, score, retrain, ...).
# Spark settings come from conf/spark-defaults.conf (after $SPARK_HOME/conf/spark-defaults.conf's
# lines; your --conf wins over both, and your JVM options are added to the project's, not replacing
# them). Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else the project's own Spark jars.
# Never builds: run scripts/build.sh first. Exit codes: 0 done (retrain: promoted), 1 failure, 2 user
# error, 3 retrain kept the current model, 4 retrain skipped because another run holds the lock.
set -euo pipefail
source "$(dirname "$0")/env.sh"
usage() { sed -n '2,15p' "$0" >&2; exit 2; }

spark_args=(); deploy_mode=client
while [[ $# -gt 0 && "$1" == -* ]]; do
  case "$1" in
    -h|--help) usage ;;
    # spark-submit's switches (SparkSubmitOptionParser): no value follows them.
    -v|--verbose|--supervise) spark_args+=("$1") ;;
    --*=*) spark_args+=("$1") ;;
    *) [[ $# -ge 2 ]] || { echo "submit.sh: $1 needs a value" >&2; exit 2; }
       [[ "$1" == --deploy-mode ]] && deploy_mode="$2"
       spark_args+=("$1" "$2"); shift ;;
  esac
  shift
done
[[ $# -ge 1 ]] || usage
class="$(job_class "$1")" || exit 2
shift
for a in "$@"; do
  case "$a" in
    --master|--master=*|--deploy-mode|--deploy-mode=*|--conf|--conf=*|--executor-memory|--driver-memory|\
    --num-executors|--executor-cores|--total-executor-cores|--queue|--properties-file|--verbose|--supervise)
      echo "submit.sh: $a is a spark-submit option: put it before the job's name" \
           "(scripts/submit.sh $a ... JOB ...)" >&2
      exit 2 ;;
  esac
done
if build_stale; then
  echo "submit.sh: $SHADED_JAR is missing or older than the sources: run scripts/build.sh first" >&2
  exit 2
fi

# spark-submit reads one properties file: the cluster's defaults, then the project's (later lines win).
properties="$(mktemp "${TMPDIR:-/tmp}/imgpipe-spark-defaults.XXXXXX")"
trap 'rm -f "$properties"' EXIT
{
  [[ -n "${SPARK_HOME:-}" && -f "$SPARK_HOME/conf/spark-defaults.conf" ]] && cat "$SPARK_HOME/conf/spark-defaults.conf"
  cat "$ROOT/conf/spark-defaults.conf"
  # The log configuration is a file on this machine: only a driver started here can read it.
  if [[ "$deploy_mode" == client ]]; then
    echo "spark.driver.defaultJavaOptions $(spark_default spark.driver.defaultJavaOptions) $DL4J_JAVA_OPTS"
  fi
} > "$properties"

# In cluster deploy mode a standalone master's worker starts the driver with spark.driver.extraJavaOptions
# alone (Spark 3.5's ClientEndpoint ignores defaultJavaOptions), so the project's options go there,
# in front of the user's own.
if [[ "$deploy_mode" == cluster ]]; then
  user_opts=(); rest=()
  for ((i = 0; i < ${#spark_args[@]}; i++)); do
    a="${spark_args[i]}"
    if [[ "$a" == --driver-java-options ]]; then user_opts+=("${spark_args[i + 1]}"); i=$((i + 1))
    elif [[ "$a" == --driver-java-options=* ]]; then user_opts+=("${a#*=}")
    elif [[ "$a" == --conf && "${spark_args[i + 1]}" == spark.driver.extraJavaOptions=* ]]; then
      user_opts+=("${spark_args[i + 1]#*=}"); i=$((i + 1))
    else rest+=("$a"); fi
  done
  spark_args=("${rest[@]}" --conf \
    "spark.driver.extraJavaOptions=$(spark_default spark.driver.defaultJavaOptions) ${user_opts[*]}")
fi

submit=(--properties-file "$properties" "${spark_args[@]}" --class "$class" "$SHADED_JAR" "$@")
status=0
if [[ -n "${SPARK_HOME:-}" ]]; then
  "$SPARK_HOME/bin/spark-submit" "${submit[@]}" || status=$?
else
  # shellcheck disable=SC2086
  java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS -cp "$(cat "$CLASSPATH_FILE")" \
    org.apache.spark.deploy.SparkSubmit "${submit[@]}" || status=$?
fi
exit "$status"
