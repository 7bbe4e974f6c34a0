# Shared by the scripts: project paths, the build, and the JVM options Spark and DL4J need.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Java reads file names in the locale's charset: under LANG=C (containers, cron) names such as
# chat_猫 could not be read, and the jobs refuse to start. C.UTF-8 is on every current Linux.
if [[ "$(locale charmap 2>/dev/null)" != "UTF-8" ]]; then
  export LC_ALL=C.UTF-8
fi
VERSION=0.1.0-SNAPSHOT
SHADED_JAR="$ROOT/jobs/target/imgpipe-jobs-$VERSION-spark.jar"
JOBS_JAR="$ROOT/jobs/target/imgpipe-jobs-$VERSION.jar"
CLASSPATH_FILE="$ROOT/jobs/target/classpath.txt"

# Spark 3.5 on Java 17 (org.apache.spark.launcher.JavaModuleOptions); spark-submit adds these itself
# to the JVMs it starts, plain java launches need them.
SPARK_JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
-Djdk.reflect.useDirectMethodHandle=false"
# ND4J works off-heap; its limit follows -Xmx unless set. No NTP lookups for training statistics.
DL4J_JAVA_OPTS="-Dorg.bytedeco.javacpp.maxbytes=${ND4J_MAXBYTES:-8g} \
-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource \
-Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties"

# Builds the jobs (shaded jar and the full local classpath) when any source is newer than the jar.
build_if_needed() {
  if [[ ! -f "$SHADED_JAR" || ! -f "$CLASSPATH_FILE" ]] || \
     [[ -n "$(find "$ROOT/pom.xml" "$ROOT/pipeline" "$ROOT/jobs" "$ROOT/conf/application.conf" \
              -newer "$SHADED_JAR" -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.conf' \) \
              -not -path '*/target/*' 2>/dev/null | head -1)" ]]; then
    echo "Building (mvn package)..." >&2
    # In one reactor run, so the jobs module resolves the pipeline module it depends on; each module
    # writes the file and the jobs module, built last, wins.
    (cd "$ROOT" && mvn -B -ntp -q -DskipTests package dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$CLASSPATH_FILE") >&2
  fi
}

# Spark and everything else, for running jobs without spark-submit.
local_classpath() {
  echo "$JOBS_JAR:$(cat "$CLASSPATH_FILE")"
}

# Maps a job name to its main class.
job_class() {
  case "$1" in
    ingest) echo org.imgpipe.jobs.IngestJob ;;
    train) echo org.imgpipe.jobs.TrainJob ;;
    evaluate) echo org.imgpipe.jobs.EvaluateJob ;;
    report) echo org.imgpipe.jobs.ReportJob ;;
    pipeline) echo org.imgpipe.jobs.PipelineJob ;;
    score) echo org.imgpipe.jobs.ScoreJob ;;
    retrain) echo org.imgpipe.jobs.RetrainJob ;;
    models) echo org.imgpipe.jobs.ModelsJob ;;
    bench) echo org.imgpipe.jobs.BenchJob ;;
    convert-cifar10) echo org.imgpipe.jobs.ConvertCifar10Job ;;
    *) echo "unknown job '$1' (ingest, train, evaluate, report, pipeline, score, retrain, models, convert-cifar10)" >&2
       return 2 ;;
  esac
}

# Runs a job class in local mode with the full classpath and prints its output, the lines matching
# the extended regex TAGS last, in their order (after Spark's shutdown messages, which may follow them).
run_printing_last() {
  local tags="$1" class="$2"; shift 2
  local log status=0
  log="$(mktemp)"
  # shellcheck disable=SC2086
  java -Xmx${DRIVER_MEMORY:-4g} $SPARK_JAVA_OPTS $DL4J_JAVA_OPTS -cp "$(local_classpath)" "$class" "$@" \
    | tee "$log" | grep --line-buffered -Ev "^($tags)" || status=$?
  grep -E "^($tags)" "$log" || true
  rm -f "$log"
  return "$status"
}
