#!/bin/bash
# Issue 12's "accuracy-versus-epochs" of the full baseline: every baseline run made so far (the profile's three, and
# the baseline rule's fallbacks) drawn as one chart, each run from where the run it started from ended.
#   ~/runs/baseline-figure.sh REPO OUT     e.g. /work/main /work/main/figures/full/baseline-training (no extension)
# Light (reads the runs' small files; hashes the checkpoints a baseline-test.json may name): may run beside the run.
set -euo pipefail
repo=${1:?usage: baseline-figure.sh REPO OUT}; out=${2:?usage: baseline-figure.sh REPO OUT}
r=$HOME/runs; args=()
for d in "run 1=$r/full/baseline" "run 2=$r/full/baseline-2" "run 3 (SWA-20)=$r/full/baseline-3" "SWA-40=$r/full-swa40" \
         "run 4 (CutMix)=$r/full-cm" "run 5 (CutMix, SWA)=$r/full-cm-swa"; do
  [ ! -f "${d#*=}/train-log.csv" ] || args+=("$d")
done
cd "$repo"
./emomc training-runs "${args[@]}" --y-min 80 --out "$out"
