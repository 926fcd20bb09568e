#!/usr/bin/env bash
# The production setup on this machine (`make serve`): nginx on http://127.0.0.1:8080 in front
# of gunicorn for pages and votes (127.0.0.1:8000) and gunicorn for live streams
# (127.0.0.1:8001), with Redis carrying changes between them. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

redis_answers() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
if [ -z "${REDIS_URL:-}" ]; then
    if ! redis_answers; then
        echo "Live streams need Redis: start one on 127.0.0.1:6379 (apt-get install" \
            "redis-server) or set REDIS_URL." >&2
        exit 1
    fi
    export REDIS_URL=redis://127.0.0.1:6379/0
fi
if ! command -v nginx >/dev/null; then
    echo "The production setup runs behind nginx: apt-get install nginx" >&2
    exit 1
fi

# nginx is the one proxy in front: the app takes the client's address (for rate limits) and
# whether it was HTTPS from nginx's X-Forwarded-For and X-Forwarded-Proto, and nothing before.
# So PROXY_COUNT is 1 whatever the environment says: with more, the address counted would be
# whatever a client wrote in its own X-Forwarded-For. And the gunicorns listen only where
# deploy/nginx.conf sends requests, on this machine: reached from elsewhere without nginx, a
# client's forged X-Forwarded-For would be trusted.
if [ -n "${PROXY_COUNT:-}" ] && [ "$PROXY_COUNT" != 1 ]; then
    echo "PROXY_COUNT=$PROXY_COUNT ignored: make serve's nginx is the one proxy, so it is 1." >&2
fi
export PROXY_COUNT=1 BIND=127.0.0.1:8000 LIVE_BIND=127.0.0.1:8001

mkdir -p instance/nginx/tmp
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
trap 'exit 0' INT TERM
"$BIN/gunicorn" -c gunicorn.conf.py wsgi:app &
"$BIN/gunicorn" -c gunicorn_live.conf.py wsgi:app &
nginx -p "$PWD/instance/nginx" -c "$PWD/deploy/nginx.conf" &
echo "Serving on http://127.0.0.1:8080 (Redis: $REDIS_URL)"
# Stop everything as soon as any one of the three stops.
wait -n
