#!/bin/bash
# Issue 12's baseline rule, set before the result was known (results/full-in-progress/README.md, "State"), applied
# by the machine so that stage 1 does not run for hours on a baseline that a session would then replace:
#   the profile's baseline (run 3, SWA over 20 epochs) >= 92.5 % test  -> the reproduction goes on;
#   under 92.5 %  -> extend-swa.sh extends that SWA run to 40 epochs in ~/runs/full-swa40 and measures its test
#                    accuracy; if that clears 92.5 % a new reproduction runs on it in ~/runs/full-b (~/runs/full.env);
#                    if not, the reproduction stays held (~/runs/hold-reproduce) for the team to decide.
# continue-full.sh starts it in the background; it resumes wherever it stopped (the decision is in
# ~/runs/baseline-decision) and does nothing once the decision is final.
set -euo pipefail
runs=$HOME/runs; log=$runs/full.log; decision=$runs/baseline-decision
json=$runs/full/report/baseline-test.json; ext=$runs/full-swa40
say() { echo "=== $(date -u +%FT%TZ) baseline rule: $*" | tee -a "$log"; }
# at least 9,250 of the 10,000 test images
clears() { awk -v a="$1" 'BEGIN { exit !(a * 10000 >= 9249.5) }'; }
state=$(cat "$decision" 2>/dev/null || true)
case "$state" in continue*|extended*|held*) exit 0 ;; esac
if [ -z "$state" ]; then
  [ ! -f "$runs/full.env" ] || exit 0   # a baseline was chosen by hand
  while [ ! -f "$json" ]; do sleep 60; done
  acc=$(jq -r .accuracy "$json")
  if clears "$acc"; then
    echo "continue: profile baseline $acc test" > "$decision"
    say "profile baseline (SWA over 20 epochs) $acc test >= 0.925: the reproduction goes on"
    exit 0
  fi
  echo "extend: profile baseline $acc test" > "$decision"
  say "profile baseline (SWA over 20 epochs) $acc test < 0.925: extending its SWA run to 40 epochs (extend-swa.sh)"
fi
"$runs/extend-swa.sh"
acc40=$(sed -n 's/.*top-1 \([0-9.]*\)%.*/\1/p' "$ext/eval-test.txt" | tail -1)
[ -n "$acc40" ] || { say "no test accuracy in $ext/eval-test.txt; still held"; exit 1; }
acc40=$(awk -v p="$acc40" 'BEGIN { printf "%.4f", p / 100 }')
if clears "$acc40"; then
  printf 'EMOMC_BASELINE=$HOME/runs/full-swa40/swa.ckpt\nEMOMC_RUN=$HOME/runs/full-b\n' > "$runs/full.env"
  echo "extended: SWA over 40 epochs $acc40 test; reproduction in ~/runs/full-b" > "$decision"
  say "SWA over 40 epochs $acc40 test >= 0.925: a new reproduction on it in ~/runs/full-b"
  rm -f "$runs/hold-reproduce"
  exec "$runs/continue-full.sh"
fi
echo "held: SWA over 40 epochs $acc40 test, still under 0.925" > "$decision"
say "SWA over 40 epochs $acc40 test < 0.925: the reproduction stays held for the team (~/runs/hold-reproduce)"
