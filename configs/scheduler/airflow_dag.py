"""segmint nightly as an Airflow DAG (Airflow 2.6 and later 2.x; on Airflow 3 import
BashOperator from airflow.providers.standard.operators.bash).

segmint's exit codes, and what the task does with them:
  0  done: success
  1  failed, a person must look (bad export, quality gate): fail, no retry
  2  bad usage or configuration: fail, no retry
  3  another run holds the date's lock: skipped (skip_on_exit_code); the
     holder, a person's rerun or a backfill, does the date's work
  4  transient (store unreachable, platform throttled): retried later

Airflow retries a failed BashOperator whatever its exit code, so the task
has retries=0 and the command itself retries exit 4 only, up to
SEGMINT_ATTEMPTS times, SEGMINT_RETRY_DELAY seconds times the attempt
apart: the one retry layer above segmint's own (its S3 requests retry
inside their budget before a run gives up with 4).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

# The run date is the day before the run: with a daily cron schedule
# Airflow 2's data interval starts that day (on Airflow 3's
# CronTriggerTimetable use {{ macros.ds_add(ds, -1) }}).
NIGHTLY_COMMAND = """
attempts=${SEGMINT_ATTEMPTS:-4}
delay=${SEGMINT_RETRY_DELAY:-300}
attempt=1
while :; do
  segmint nightly --date "{{ data_interval_start | ds }}" --config "$SEGMINT_CONFIG" --log-format json
  rc=$?
  if [ "$rc" -ne 4 ] || [ "$attempt" -ge "$attempts" ]; then
    exit "$rc"
  fi
  echo "segmint: transient failure (exit 4), attempt $attempt of $attempts; retrying in $((delay * attempt)) s" >&2
  sleep $((delay * attempt))
  attempt=$((attempt + 1))
done
"""

with DAG(
    dag_id="segmint_nightly",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["segmint"],
) as dag:
    BashOperator(
        task_id="nightly",
        bash_command=NIGHTLY_COMMAND,
        env={
            "SEGMINT_CONFIG": "/opt/segmint/configs/s3.yaml",
            "SEGMINT_ATTEMPTS": "4",
            "SEGMINT_RETRY_DELAY": "300",
        },
        append_env=True,
        skip_on_exit_code=3,
        retries=0,
        execution_timeout=timedelta(hours=6),
    )
