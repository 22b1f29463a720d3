#!/usr/bin/env bash
# Starts PostgreSQL and Redis for the tests if they are installed but not running.
# Tests that need one and find it down fail with a message pointing here.
set -u

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! up 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/redis-test.log || true
fi
for port in 5432 6379; do
  for _ in $(seq 1 20); do up "$port" && break; sleep 0.5; done
  up "$port" || echo "warning: nothing is listening on 127.0.0.1:$port; tests that need it will fail"
done
exit 0
