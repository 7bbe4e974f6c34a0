#!/usr/bin/env bash
# A real Spark standalone cluster on loopback, from the project's own Spark jars (nothing downloaded):
#   scripts/local-cluster.sh start|stop|status
# Master spark://127.0.0.1:$SPARK_MASTER_PORT (7077; UI on 8080), $WORKERS workers (2) with
# $WORKER_CORES cores (1) and $WORKER_MEMORY (3g) each. Pids, logs and the workers' folders live in
# $IMGPIPE_CLUSTER_DIR (work/local-cluster). Submit to it with
#   scripts/submit.sh --master spark://127.0.0.1:7077 train ...
set -euo pipefail
source "$(dirname "$0")/env.sh"
DIR="${IMGPIPE_CLUSTER_DIR:-$ROOT/work/local-cluster}"
PORT="${SPARK_MASTER_PORT:-7077}"
UI_PORT="${SPARK_MASTER_WEBUI_PORT:-8080}"
WORKERS="${WORKERS:-2}"
WORKER_CORES="${WORKER_CORES:-1}"
WORKER_MEMORY="${WORKER_MEMORY:-3g}"
MASTER_URL="spark://127.0.0.1:$PORT"

# Workers build executor command lines from $SPARK_HOME/jars: a Spark home made of links to the
# project's Spark, Hadoop and Scala jars, without the pipeline and DL4J (applications bring those).
make_spark_home() {
  rm -rf "$DIR/spark-home" && mkdir -p "$DIR/spark-home/jars"
  tr ':' '\n' < "$CLASSPATH_FILE" \
    | grep -v -e '/org/deeplearning4j/' -e '/org/nd4j/' -e '/org/bytedeco/' -e '/org/datavec/' -e "^$ROOT/" \
    | while read -r jar; do ln -s "$jar" "$DIR/spark-home/jars/"; done
}

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

daemon() {
  local name="$1"; shift
  # shellcheck disable=SC2086
  SPARK_HOME="$DIR/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 nohup java -Xmx1g $SPARK_JAVA_OPTS \
    -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" -cp "$DIR/spark-home/jars/*" "$@" \
    > "$DIR/logs/$name.log" 2>&1 &
  echo $! > "$DIR/$name.pid"
}

alive_workers() {
  curl -sf "http://127.0.0.1:$UI_PORT/json/" | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0
}

start() {
  if alive master; then echo "already running: $MASTER_URL"; return 0; fi
  build_if_needed
  mkdir -p "$DIR/logs"
  make_spark_home
  daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT"
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$DIR/worker-$i"
    daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$WORKER_CORES" \
      --memory "$WORKER_MEMORY" --work-dir "$DIR/worker-$i" --webui-port 0 "$MASTER_URL"
  done
  for _ in $(seq 1 60); do
    if [[ "$(alive_workers)" == "$WORKERS" ]]; then status; return 0; fi
    sleep 1
  done
  echo "the cluster did not come up within 60 s; logs in $DIR/logs" >&2
  stop
  return 1
}

stop() {
  local name
  for f in "$DIR"/worker-*.pid "$DIR"/master.pid; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f" .pid)"
    alive "$name" && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  echo "stopped"
}

status() {
  if ! alive master; then echo "not running"; return 3; fi
  echo "master $MASTER_URL (pid $(cat "$DIR/master.pid"), UI http://127.0.0.1:$UI_PORT), $(alive_workers) alive workers"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,7p' "$0" >&2; exit 2 ;;
esac
