#!/usr/bin/env bash
# `make run`: the job queue's consumer in the background, gunicorn in the foreground; stopping
# gunicorn (Ctrl-C) stops the consumer too. Usage: scripts/serve.sh VENV_BIN HOST:PORT WORKERS
set -euo pipefail
bin=$1 bind=$2 workers=$3

# One worker thread: an import holds SQLite's write lock, so two at once would only queue.
"$bin/huey_consumer" wsgi.huey --workers 1 --no-periodic &
consumer=$!
stop_consumer() {
  kill -TERM "$consumer" 2>/dev/null || true
  wait "$consumer" 2>/dev/null || true
}
trap stop_consumer EXIT

"$bin/gunicorn" --bind "$bind" --workers "$workers" --access-logfile - wsgi:app &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
# Whichever stops first (Ctrl-C, or a crash of either) ends both.
wait -n "$server" "$consumer" || true
kill -TERM "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
