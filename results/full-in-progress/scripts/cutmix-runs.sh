#!/bin/bash
# Issue 12's second fallback (baseline-rule.sh runs it), set on 2026-11-27 before the 40-epoch SWA network's test
# accuracy was known: if that network also lands under 92.5 % test, two more baseline runs with CutMix (Yun et al.
# 2019, p = 0.5; the recipe lever kept ready, README "--cutmix"), chained like the profile's runs:
#   run 4: a warm restart from the 40-epoch SWA network, the profile's run 2 again (100 epochs one-cycle, peak lr
#          0.05, seed 4) with CutMix, in ~/runs/full-cm (its validation per epoch set beside run 2's measures CutMix);
#   run 5: SWA at lr 0.01 from run 4's last network (seed 5) with CutMix, in ~/runs/full-cm-swa, over 40 epochs if
#          the 40-epoch SWA beat the 20-epoch one on validation, else over 20;
# then its test accuracy in ~/runs/full-cm-swa/eval-test.txt. About 8-9.5 hours. Resumes wherever it stopped.
set -euo pipefail
runs=$HOME/runs; code=${EMOMC_CODE:-/work/run-full}; log=$runs/full.log
src=$runs/full-swa40/swa.ckpt; r4=$runs/full-cm; r5=$runs/full-cm-swa
touch "$runs/hold-reproduce"
pkill -f "java.*runs/full$" || true
while pgrep -f "java.*runs/full$" > /dev/null; do sleep 2; done
[ -f "$src" ] || { echo "cutmix-runs: $src does not exist (extend-swa.sh has not finished)" | tee -a "$log" >&2; exit 1; }
val() { jq -r .val_accuracy "$1/swa.json"; }
n5=20
awk -v a="$(val "$runs/full-swa40")" -v b="$(val "$runs/full/baseline-3")" 'BEGIN { exit !(a > b) }' && n5=40
# --resume once the run has its key (a run killed in its first epoch resumes from the key alone)
again() { [ -f "$1/run-key.json" ] && echo --resume || true; }
export EMOMC_JAVA_OPTS="${EMOMC_JAVA_OPTS:-} -Dorg.bytedeco.javacpp.maxphysicalbytes=21G"
common=(--width 1 --batch 128 --precision bf16 --label-smoothing 0.1 --cutout 16 --cutmix 0.5 --no-progress)
cd "$code"
echo "=== $(date -u +%FT%TZ) cutmix-runs: run 4 (100 epochs one-cycle, CutMix 0.5) in $r4" >> "$log"
./emomc train "${common[@]}" --epochs 100 --schedule onecycle --lr 0.05 --seed 4 --init "$src" --out "$r4" $(again "$r4") >> "$log" 2>&1
echo "=== $(date -u +%FT%TZ) cutmix-runs: run 5 (SWA over $n5 epochs at lr 0.01, CutMix 0.5) in $r5" >> "$log"
./emomc train "${common[@]}" --epochs "$n5" --swa "$n5" --schedule step --step-epochs 1000 --lr 0.01 --seed 5 \
  --init "$r4/last.ckpt" --out "$r5" $(again "$r5") >> "$log" 2>&1
./emomc eval --checkpoint "$r5/swa.ckpt" --split test 2>> "$log" | tee "$r5/eval-test.txt" >> "$log"
echo "=== $(date -u +%FT%TZ) cutmix-runs: done" >> "$log"
