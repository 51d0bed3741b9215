#!/usr/bin/env bash
# Starts the web server and the django-q2 cluster; Ctrl-C (or either dying) stops both.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$PY" manage.py qcluster &
pids+=($!)
"$PY" manage.py runserver --noreload "$HOST:$PORT" &
pids+=($!)

cat <<MSG

  生态环境督察整改平台 / Rectification Portal
  ------------------------------------------------------------
  Site  / 网站:      http://$HOST:$PORT/
  Admin / 工作台:    http://$HOST:$PORT/admin/
  Health / 健康检查: http://$HOST:$PORT/healthz
MSG
"$PY" manage.py demo_logins
echo "  Press Ctrl-C to stop the web server and the task worker."
echo

wait -n "${pids[@]}"
