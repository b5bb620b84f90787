#!/usr/bin/env bash
# make bench: every benchmark in turn, each printing its figures beside a baseline measured in
# the same run, as a ratio. Not tests: a missed target is printed as such, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

run() {
  echo
  echo "== $1"
  shift
  "$@"
}

run "allocator: Herald's free-range tree against a first-free linear scan" node controller/dist/allocator/allocator.bench.js
run "controller end to end on the lab API server" node e2e/dist/bench/controller.bench.js
run "BGP packing: 100,000 routes in packed UPDATEs against one UPDATE per route" node speaker/dist/bgp/codec/packing.bench.js
run "speaker decision: one changed Service among 10,000 against a full recompute" node speaker/dist/announce/announce.bench.js
run "BGP into FRR: Herald's speaker against gobgpd (1,000 / 10,000 / 100,000 routes), and recompute-and-apply" node e2e/dist/bench/bgp.bench.js
run "speaker layer 2 decision: one changed member or Service among 10,000 against a full recompute" node speaker/dist/announce/l2.bench.js
run "speaker layer 2 responder: one change to 10,000 owned addresses against a full rebuild of the owned set" node speaker/dist/l2/owned.bench.js
run "speaker membership: detection time and traffic with 10 and 100 members against all-to-all heartbeats" node speaker/dist/members/members.bench.js
run "layer-2 memory: the speaker answering for 10,000 addresses, against keepalived holding the same" node e2e/dist/bench/l2-rss.bench.js
run "layer-2 failover: the client's gap when the owner is SIGKILLed or its link goes down, against keepalived at 1 s and 100 ms" node e2e/dist/bench/l2-failover.bench.js
