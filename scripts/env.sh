# Shared by the scripts: project paths, the build, and the JVM options Spark and DL4J need.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Java reads file names in the locale's charset: under LANG=C (containers, cron) names such as
# chat_猫 could not be read, and the jobs refuse to start. C.UTF-8 is on every current Linux.
if [[ "$(locale charmap 2>/dev/null)" != "UTF-8" ]]; then
  export LC_ALL=C.UTF-8
fi
# glibc's malloc hands buffers above its mmap threshold (at most 32 MB when it adapts) back to the
# kernel when they are freed, and shrinks its heap once the free top exceeds twice that, so every
# inference batch of 256 faults its 29-51 MB activations in afresh; in a VM page faults are dear.
# With both thresholds at 1 GiB the buffers stay in the heap: inference ~1.8x and end-to-end scoring
# ~1.5x faster in scripts/bench.sh (README, "Page faults"). glibc 2.36 (checked) takes a threshold
# above 32 MB; older ones (2.33's source caps it at 32 MB) drop it, and the trim setting alone would
# then pin the threshold at 128 KB, worse than the default; other C libraries ignore both. So they are
# set on glibc 2.36 and later only, and only when you have not set them yourself (set one empty for
# glibc's default). The PyTorch peer inherits them: the same machine for both.
glibc_at_least_2_36() {
  local v
  v="$(getconf GNU_LIBC_VERSION 2>/dev/null)" || return 1
  v="${v#glibc }"
  [[ "$(printf '%s\n2.36\n' "$v" | sort -V | head -1)" == "2.36" ]]
}
# default_unless_set VAR [VALUE]: exports VAR=VALUE (nothing when VALUE is empty) unless you set VAR yourself.
# Set empty, VAR is unset (the library's default: an empty value would read as 0 to glibc, and libgomp warns
# of it), and IMGPIPE_DEFAULT_<VAR>=1 remembers that for the scripts that source this file again
# (cluster-test.sh starts local-cluster.sh and submit.sh), which would otherwise find VAR unset.
default_unless_set() {
  local marker="IMGPIPE_DEFAULT_$1"
  if [[ -n "${!1+set}" && -z "${!1}" ]]; then
    unset "$1"
    export "$marker=1"
  elif [[ -z "${!1+set}" && -z "${!marker:-}" && -n "${2:-}" ]]; then
    export "$1=$2"
  fi
}
malloc_threshold="$(glibc_at_least_2_36 && echo 1073741824)"
default_unless_set MALLOC_MMAP_THRESHOLD_ "$malloc_threshold"
default_unless_set MALLOC_TRIM_THRESHOLD_ "$malloc_threshold"
unset malloc_threshold
# After each parallel region OpenMP's workers spin for a while (libgomp: 300,000 turns) before they sleep.
# PyTorch's steps are OpenMP regions back to back and gain from it; ours hand over between oneDNN's
# regions and Java (DL4J's step, the Java loops on the fork-join pool), where a spinning worker takes
# a core from them: 2 cores ran 3-4 busy threads. With PASSIVE workers sleep at once: training +8 %,
# inference unchanged within noise (README, "OpenMP's wait policy"). Set for every JVM the scripts start
# when you have not set it yourself (empty: OpenMP's default); executors on a cluster get it from
# conf/spark-defaults.conf. The PyTorch peer runs with OpenMP's default (bench/Peer.java), its faster one.
default_unless_set OMP_WAIT_POLICY PASSIVE
VERSION=0.1.0-SNAPSHOT
SHADED_JAR="$ROOT/jobs/target/imgpipe-jobs-$VERSION-spark.jar"
JOBS_JAR="$ROOT/jobs/target/imgpipe-jobs-$VERSION.jar"
BENCH_JAR="$ROOT/bench/target/imgpipe-bench-$VERSION.jar"
CLASSPATH_FILE="$ROOT/jobs/target/classpath.txt"

# Spark settings live in conf/spark-defaults.conf (submit.sh passes it to spark-submit). Plain java
# launches take its driver JVM options (Java 17's --add-opens list, ND4J, dl4j-spark), the log
# configuration, and ND4J_MAXBYTES when set.
property() {  # property FILE KEY: the key's value in a Spark properties file (the last, if set twice), or nothing
  if [[ -f "$1" ]]; then sed -n "s/^$2[[:space:]=]\{1,\}//p" "$1" | tail -1; fi
}
spark_default() {  # spark_default KEY: the key's value in conf/spark-defaults.conf
  property "$ROOT/conf/spark-defaults.conf" "$1"
}
SPARK_JAVA_OPTS="$(spark_default spark.driver.defaultJavaOptions)"
DL4J_JAVA_OPTS="-Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties\
${ND4J_MAXBYTES:+ -Dorg.bytedeco.javacpp.maxbytes=$ND4J_MAXBYTES}"

# Whether the shaded jar is missing or older than a source it is built from. conf/spark-defaults.conf
# does not count: spark-submit reads it from the checkout (scripts/submit.sh), not from the jar.
jar_stale() {
  [[ ! -f "$SHADED_JAR" ]] || \
    [[ -n "$(find "$ROOT/pom.xml" "$ROOT/pipeline" "$ROOT/jobs" "$ROOT/conf/application.conf" \
             -newer "$SHADED_JAR" -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.conf' \) \
             -not -path '*/target/*' -not -path '*/src/test/*' 2>/dev/null | head -1)" ]]
}

# Whether a build is due for plain java launches: the jar, the classpath file, or the packaged
# copy of conf/spark-defaults.conf (which sessions started without spark-submit read).
build_stale() {
  jar_stale || [[ ! -f "$CLASSPATH_FILE" || "$ROOT/conf/spark-defaults.conf" -nt "$SHADED_JAR" ]]
}

# Builds the jobs: the shaded jar and the full local classpath (scripts/build.sh).
build() {
  echo "Building (mvn package)..." >&2
  # In one reactor run, so the jobs module resolves the pipeline module it depends on; pipeline and
  # jobs write the file (jobs, later, wins), bench and integration skip the goal (their poms).
  (cd "$ROOT" && mvn -B -ntp -q -DskipTests package dependency:build-classpath \
    -DincludeScope=compile -Dmdep.outputFile="$CLASSPATH_FILE") >&2
}

# For the development scripts (run-local, bench, the local cluster): builds when stale.
build_if_needed() {
  if build_stale; then build; fi
}

# Spark and everything else, for running jobs without spark-submit; EXTRA_CLASSPATH first when set
# (bench.sh: the benchmark's jar, which the jobs' jar does not hold).
local_classpath() {
  echo "${EXTRA_CLASSPATH:+$EXTRA_CLASSPATH:}$JOBS_JAR:$(cat "$CLASSPATH_FILE")"
}

# The jobs, the one list: name=main class (a plain list: bash 3.2, macOS's, has no maps).
JOB_CLASSES="ingest=org.imgpipe.jobs.IngestJob train=org.imgpipe.jobs.TrainJob
evaluate=org.imgpipe.jobs.EvaluateJob report=org.imgpipe.jobs.ReportJob pipeline=org.imgpipe.jobs.PipelineJob
score=org.imgpipe.jobs.ScoreJob retrain=org.imgpipe.jobs.RetrainJob models=org.imgpipe.jobs.ModelsJob
convert-cifar10=org.imgpipe.jobs.ConvertCifar10Job"

# Maps a job name to its main class.
job_class() {
  local entry
  for entry in $JOB_CLASSES; do
    if [[ "${entry%%=*}" == "$1" ]]; then echo "${entry#*=}"; return 0; fi
  done
  echo "unknown job '$1' (one of: $(for entry in $JOB_CLASSES; do printf '%s ' "${entry%%=*}"; done))" >&2
  return 2
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
