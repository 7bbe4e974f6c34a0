#!/usr/bin/env bash
# Submits one job of the shaded jar through Spark's own SparkSubmit:
#   scripts/submit.sh JOB [--master URL] [--deploy-mode client|cluster] [spark-submit options] \
#                         [--config my.conf] [-Dkey=value ...] [job options and words]
# JOB: ingest | train | evaluate | report | pipeline | score | retrain | models | convert-cifar10, e.g.
#   scripts/submit.sh score --input 'hdfs:///dumps/2026-11-*' --output hdfs:///scores [--incremental]
#   scripts/submit.sh models list | promote ID | rollback
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else org.apache.spark.deploy.SparkSubmit
# from the project's own Spark jars. Exit codes: 0 done (retrain: promoted), 1 failure, 2 user error,
# 3 retrain kept the current model, 4 retrain skipped because another run holds the lock.
set -euo pipefail
source "$(dirname "$0")/env.sh"
[[ $# -ge 1 ]] || { sed -n '2,10p' "$0" >&2; exit 2; }
class="$(job_class "$1")"; shift
build_if_needed

spark_args=(); job_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config|--input|--output|--model-version) job_args+=("$1" "$2"); shift ;;
    -D*|--incremental|--resume|--quick) job_args+=("$1") ;;
    --*) spark_args+=("$1" "$2"); shift ;;
    *) job_args+=("$1") ;;
  esac
  shift
done

# In cluster deploy mode a worker starts the driver JVM from these options alone, so they carry
# Spark's --add-opens list too (a standalone worker does not add it for drivers).
jvm_opts="$(echo $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS)"
submit=(--class "$class"
  --conf "spark.driver.extraJavaOptions=$jvm_opts"
  --conf "spark.executor.extraJavaOptions=$jvm_opts"
  --conf spark.executorEnv.LC_ALL=C.UTF-8
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator
  "${spark_args[@]}" "$SHADED_JAR" "${job_args[@]}")
if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${submit[@]}"
fi
# shellcheck disable=SC2086
exec java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS -cp "$(cat "$CLASSPATH_FILE")" \
  org.apache.spark.deploy.SparkSubmit "${submit[@]}"
