#!/usr/bin/env bash
# Submits one job of the shaded jar through Spark's own SparkSubmit, the way spark-submit is used:
#   scripts/submit.sh [spark-submit options] JOB [job arguments]
# The spark-submit options (--master URL, --deploy-mode client|cluster, --conf k=v, --verbose, ...)
# come before the job's name and reach spark-submit as they are; everything after the name reaches the
# job unchanged: [--config FILE] [-Dkey=value ...] [the job's own options and words], e.g.
#   scripts/submit.sh --master yarn score --input 'hdfs:///dumps/2026-11-*' --output hdfs:///scores
#   scripts/submit.sh models list | promote ID | rollback
# JOB: one of scripts/env.sh's JOB_CLASSES (ingest, train, evaluate, report, pipeline, score, retrain, ...).
# Spark settings come from conf/spark-defaults.conf, merged after the cluster's own spark-defaults.conf;
# your --conf wins over both, and JVM options (yours, the cluster's) are added to the project's.
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else the project's own Spark jars.
# Never builds: run scripts/build.sh first. Exit codes: 0 done (retrain: promoted), 1 failure, 2 user
# error (also: no current build), 3 retrain kept the current model, 4 retrain skipped (lock held).
set -euo pipefail
source "$(dirname "$0")/env.sh"
usage() { sed -n '2,14p' "$0" >&2; exit 2; }

# spark-submit's options (SparkSubmitOptionParser, Spark 3.5): the switches, which take no value, and
# the options that take one.
SWITCHES=" -h --help -v --verbose --supervise --version --usage-error "
VALUED=" --master --deploy-mode --class --name --jars --packages --exclude-packages --repositories
  --files --archives --py-files --conf -c --properties-file --driver-memory --driver-java-options
  --driver-library-path --driver-class-path --driver-cores --executor-memory --executor-cores
  --total-executor-cores --num-executors --queue --principal --keytab --proxy-user --kill --status "
VALUED=" $(echo $VALUED) "

spark_args=()
deploy_mode=client
user_driver_opts=()
while [[ $# -gt 0 && "$1" == -* ]]; do
  opt="${1%%=*}"
  if [[ "$SWITCHES" == *" $1 "* ]]; then
    [[ "$1" == -h || "$1" == --help ]] && usage
    spark_args+=("$1"); shift; continue
  fi
  if [[ "$VALUED" != *" $opt "* ]]; then
    echo "submit.sh: unknown spark-submit option $1" >&2; exit 2
  fi
  if [[ "$1" == *=* ]]; then value="${1#*=}"; shift
  else
    [[ $# -ge 2 ]] || { echo "submit.sh: $1 needs a value" >&2; exit 2; }
    value="$2"; shift 2
  fi
  case "$opt" in
    --deploy-mode) deploy_mode="$value" ;;
    --conf|-c) [[ "$value" == spark.submit.deployMode=* ]] && deploy_mode="${value#*=}" ;;
  esac
  # The driver's JVM options are gathered, to be merged with the project's and the cluster's below.
  if [[ "$opt" == --driver-java-options ]]; then user_driver_opts+=("$value"); continue; fi
  if [[ ("$opt" == --conf || "$opt" == -c) && "$value" == spark.driver.extraJavaOptions=* ]]; then
    user_driver_opts+=("${value#*=}"); continue
  fi
  spark_args+=("$opt" "$value")
done
[[ $# -ge 1 ]] || usage
class="$(job_class "$1")" || exit 2
shift
for a in "$@"; do
  opt="${a%%=*}"
  if [[ "$a" == -* && ( "$SWITCHES" == *" $opt "* || "$VALUED" == *" $opt "* ) ]]; then
    echo "submit.sh: $a is a spark-submit option: put it before the job's name" \
         "(scripts/submit.sh $opt ... JOB ...)" >&2
    exit 2
  fi
done
if jar_stale || [[ -z "${SPARK_HOME:-}" && ! -f "$CLASSPATH_FILE" ]]; then
  echo "submit.sh: the build in $ROOT/jobs/target is missing or older than the sources:" \
       "run scripts/build.sh first" >&2
  exit 2
fi

# spark-submit reads one properties file, and --properties-file stands in for the cluster's: the
# cluster's lines first, then the project's (later lines win), with the JVM options of both kept.
cluster_defaults="${SPARK_CONF_DIR:-${SPARK_HOME:-/nonexistent}/conf}/spark-defaults.conf"
cluster_default() { property "$cluster_defaults" "$1"; }
driver_opts="$(cluster_default spark.driver.defaultJavaOptions) $(spark_default spark.driver.defaultJavaOptions)"
executor_opts="$(cluster_default spark.executor.defaultJavaOptions) $(spark_default spark.executor.defaultJavaOptions)"
# The log configuration is a file on this machine: only a driver started here can read it.
[[ "$deploy_mode" == client ]] && driver_opts="$driver_opts $DL4J_JAVA_OPTS"
properties="$(mktemp "${TMPDIR:-/tmp}/imgpipe-spark-defaults.XXXXXX")"
child=""
trap 'rm -f "$properties"' EXIT
# A supervisor that stops this script (kill PID) stops the driver too.
trap '[[ -n "$child" ]] && kill -TERM "$child" 2>/dev/null' TERM INT HUP
{
  if [[ -f "$cluster_defaults" ]]; then cat "$cluster_defaults"; echo; fi
  cat "$ROOT/conf/spark-defaults.conf"
  echo "spark.driver.defaultJavaOptions $driver_opts"
  echo "spark.executor.defaultJavaOptions $executor_opts"
} > "$properties"

# In cluster deploy mode a standalone master's worker starts the driver with spark.driver.extraJavaOptions
# alone (Spark 3.5's ClientEndpoint ignores defaultJavaOptions): the default options go there too, in
# front of the cluster's and the user's own (on YARN and Kubernetes they then appear twice, harmlessly).
extra_driver_opts="$(cluster_default spark.driver.extraJavaOptions) ${user_driver_opts[*]+${user_driver_opts[*]}}"
[[ "$deploy_mode" == cluster ]] && extra_driver_opts="$driver_opts $extra_driver_opts"
if [[ -n "${extra_driver_opts// /}" ]]; then
  spark_args+=(--conf "spark.driver.extraJavaOptions=$extra_driver_opts")
fi

submit=(--properties-file "$properties" ${spark_args[@]+"${spark_args[@]}"} --class "$class" "$SHADED_JAR" "$@")
status=0
if [[ -n "${SPARK_HOME:-}" ]]; then
  "$SPARK_HOME/bin/spark-submit" "${submit[@]}" &
else
  # Without SPARK_HOME the driver of a client-mode job is this JVM: its heap is DRIVER_MEMORY (4g),
  # its options the project's, the user's driver options and ND4J_MAXBYTES.
  # shellcheck disable=SC2086
  java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS ${user_driver_opts[*]+${user_driver_opts[*]}} \
    -cp "$(cat "$CLASSPATH_FILE")" org.apache.spark.deploy.SparkSubmit "${submit[@]}" &
fi
child=$!
wait "$child" || status=$?
# A signal interrupts the first wait: wait again for the driver's own exit code.
if kill -0 "$child" 2>/dev/null; then wait "$child" || status=$?; fi
exit "$status"
