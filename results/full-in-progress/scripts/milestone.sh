#!/bin/bash
# Copies the full run's small results (CSV, JSON, TXT, MD, the log; never checkpoints, locks or the shared
# evaluation cache, which each search's correctness.txt duplicates) into a checkout's results/full-in-progress/run/,
# and the scripts that drive the run into results/full-in-progress/scripts/, for a milestone commit.
# Usage: ~/runs/milestone.sh /work/main
set -euo pipefail
repo=${1:?usage: milestone.sh REPO}
dst="$repo/results/full-in-progress"
mkdir -p "$dst/run" "$dst/scripts"
# The run, and under the baseline rule's fallbacks (baseline-rule.sh) the further baseline runs and a reproduction on one.
for d in full:run full-swa40:swa40 full-b:run-b full-cm:cm full-cm-swa:cm-swa full-c:run-c; do
  [ ! -d ~/runs/${d%%:*} ] || rsync -a --prune-empty-dirs --exclude='stage2-cache/' --include='*/' --include='*.csv' \
    --include='*.json' --include='*.txt' --include='*.md' --exclude='*' ~/runs/${d%%:*}/ "$dst/${d##*:}/"
done
[ ! -f ~/runs/baseline-decision ] || cp ~/runs/baseline-decision "$dst/run/baseline-decision.txt"
cp ~/runs/full.log "$dst/run/reproduce.log"
# The baseline runs' validation accuracy per epoch, as one chart (issue 12's accuracy-versus-epochs).
~/runs/baseline-figure.sh "$repo" "$dst/baseline-training" > /dev/null
cp ~/runs/continue-full.sh ~/runs/milestone.sh /root/renice-loop.sh "$dst/scripts/"
for f in finish-full.sh baseline-figure.sh extend-swa.sh cutmix-runs.sh baseline-rule.sh; do [ ! -f ~/runs/$f ] || cp ~/runs/$f "$dst/scripts/"; done
du -sh "$dst/run"
