#!/usr/bin/env bash
# Runs every `berth bench` scenario against berth and against moto_server on
# this machine, one system at a time, each scenario on a freshly started
# server, and writes the side-by-side tables to $OUT/results.md.
#
#   scripts/bench-vs-moto.sh [duration] [clients]      (defaults: 30s, 16)
#
# Each scenario runs three times, one system at a time, each on a fresh
# server: berth (fsync on: every acknowledged RunTask is durable) with
# 1,000 container instances registered through the API, as moto's are (the
# identical workload: the server places and records the tasks); moto with
# 50 (it caps each at 1,247 of the benchmark's tasks, see
# internal/bench/doc.go); and berth again with a `--fleet` of 1,000 live
# simulated agents in the load tool's process, which take each task over
# the agent channel and report it RUNNING (the whole job of an ECS control
# plane, with the fleet on the same cores). The table per scenario is
# berth, moto, berth-fleet, with each one's ratio to berth's.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30s}
CLIENTS=${2:-16}
OUT=${OUT:-bench-out}
mkdir -p "$OUT"
go build -o "$OUT/berth" ./cmd/berth
BERTH="$OUT/berth"
export BERTH_ACCESS_KEY_ID=AKIDBENCH BERTH_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
: > "$OUT/results.md"
for s in runtask runtask10 starttask describe list mixed; do
  data=$(mktemp -d)
  "$BERTH" server --listen 127.0.0.1:4510 --data-dir "$data" --log-level error &
  pid=$!
  sleep 2
  "$BERTH" bench --endpoint-url http://127.0.0.1:4510 --scenario "$s" --clients "$CLIENTS" \
    --duration "$DURATION" --instances 1000 --label berth --quiet --json "$OUT/berth-$s.json" > "$OUT/berth-$s.txt"
  kill -INT $pid; wait $pid || true
  rm -rf "$data"
  data=$(mktemp -d)
  "$BERTH" server --listen 127.0.0.1:4510 --data-dir "$data" --log-level error &
  pid=$!
  sleep 2
  "$BERTH" bench --endpoint-url http://127.0.0.1:4510 --scenario "$s" --clients "$CLIENTS" \
    --duration "$DURATION" --fleet --instances 1000 --label berth-fleet --quiet --json "$OUT/berth-fleet-$s.json" > "$OUT/berth-fleet-$s.txt"
  kill -INT $pid; wait $pid || true
  rm -rf "$data"
  if command -v moto_server >/dev/null; then
    moto_server -H 127.0.0.1 -p 5000 > "$OUT/moto-$s.log" 2>&1 &
    mpid=$!
    for _ in $(seq 60); do curl -s -o /dev/null http://127.0.0.1:5000/ && break; sleep 0.5; done
    "$BERTH" bench --endpoint-url http://127.0.0.1:5000 --ec2-instances --lenient-json --scenario "$s" \
      --clients "$CLIENTS" --duration "$DURATION" --instances 50 --label moto --quiet --json "$OUT/moto-$s.json" > "$OUT/moto-$s.txt"
    kill $mpid; wait $mpid || true
    { echo "### $s"; "$BERTH" bench compare "$OUT/berth-$s.json" "$OUT/moto-$s.json" "$OUT/berth-fleet-$s.json"; echo; } >> "$OUT/results.md"
  else
    { echo "### $s (moto_server not installed)"; "$BERTH" bench compare "$OUT/berth-$s.json" "$OUT/berth-fleet-$s.json"; echo; } >> "$OUT/results.md"
  fi
done
cat "$OUT/results.md"
