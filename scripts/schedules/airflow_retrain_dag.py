"""Airflow DAG: nightly Model S retraining, then scoring of the day's image dump with the current model.

Needs the apache-spark provider (apache-airflow-providers-apache-spark) and a Spark connection
("spark_default": master yarn, spark://host:7077 or k8s://...). The retrain job's exit codes are
0 promoted, 3 kept the current model, 4 another run holds the lock, 2 user error, 1 failure; 3 and 4
mark the task skipped instead of failed. Scoring runs after either outcome and uses whatever model
is current.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowSkipException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/imgpipe/jobs/target/imgpipe-jobs-0.1.0-SNAPSHOT-spark.jar"
CONFIG = "/etc/imgpipe/prod.conf"
# The Spark settings every job needs (Kryo, JVM options for Java 17 and ND4J): the file submit.sh uses,
# given as --conf so that the cluster's own spark-defaults.conf still applies (--properties-file would
# replace it in Spark 3.5).
PROPERTIES = "/opt/imgpipe/conf/spark-defaults.conf"


def spark_defaults(path):
    """The key/value lines of a Spark properties file."""
    conf = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition(" ")
                conf[key] = value.strip()
    return conf


# This deployment's own on top: ND4J's off-heap memory must fit in the overhead (a later -D wins).
SPARK_CONF = {
    **spark_defaults(PROPERTIES),
    "spark.executor.memoryOverhead": "4g",
    "spark.executor.extraJavaOptions": "-Dorg.bytedeco.javacpp.maxbytes=3g",
}
KEPT_CURRENT, LOCKED = 3, 4


class RetrainSubmitOperator(SparkSubmitOperator):
    """SparkSubmitOperator that turns the retrain job's 'kept current' and 'locked' exit codes into a skip."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as e:
            # SparkSubmitHook reports the spark-submit exit code only in its message.
            for code, why in ((KEPT_CURRENT, "kept the current model"), (LOCKED, "another run holds the lock")):
                if f"Error code is: {code}." in str(e):
                    raise AirflowSkipException(f"retrain {why}") from e
            raise


with DAG(
    dag_id="model_s_retrain",
    start_date=datetime(2026, 11, 1),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=30)},
) as dag:
    retrain = RetrainSubmitOperator(
        task_id="retrain",
        application=JAR,
        java_class="org.imgpipe.jobs.RetrainJob",
        conf=SPARK_CONF,
        application_args=["--config", CONFIG],
    )
    score = SparkSubmitOperator(
        task_id="score_new_images",
        application=JAR,
        java_class="org.imgpipe.jobs.ScoreJob",
        conf=SPARK_CONF,
        application_args=["--config", CONFIG,
                          "--input", "hdfs:///dumps/{{ ds }}",
                          "--output", "hdfs:///scores",
                          "--incremental"],
        trigger_rule="none_failed",
    )
    retrain >> score
