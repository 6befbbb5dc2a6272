#!/bin/bash
# Copies the full run's small results (CSV, JSON, TXT, logs; never checkpoints, locks or the shared
# evaluation cache, which each search's correctness.txt duplicates) into a checkout's
# results/full-in-progress/, for a milestone commit. Usage: ~/runs/milestone.sh /work/main
set -euo pipefail
repo=${1:?usage: milestone.sh REPO}
dst="$repo/results/full-in-progress"
mkdir -p "$dst"
cp ~/runs/full-baseline/train-log.csv ~/runs/full-baseline/run-key.json "$dst/"
# The baseline's second cycle (warm restart), if it has started.
if [ -f ~/runs/full-baseline2/train-log.csv ]; then
  cp ~/runs/full-baseline2/train-log.csv "$dst/train-log-restart.csv"
  cp ~/runs/full-baseline2/run-key.json "$dst/run-key-restart.json"
fi
# SWA from the second cycle, if it ran (continue-full.sh runs it when the second cycle is short of 92.5 %).
if [ -f ~/runs/full-swa/train-log.csv ]; then
  cp ~/runs/full-swa/train-log.csv "$dst/train-log-swa.csv"
  cp ~/runs/full-swa/run-key.json "$dst/run-key-swa.json"
  [ -f ~/runs/full-swa/swa.json ] && cp ~/runs/full-swa/swa.json "$dst/swa.json"
fi
for f in ~/runs/full-baseline2/last.ckpt.test-accuracy ~/runs/full-swa/swa.ckpt.test-accuracy; do
  [ -s "$f" ] && echo "$(basename "$(dirname "$f")")/$(basename "$f" .test-accuracy): $(cat "$f") % test" >> "$dst/test-accuracies.txt.new"
done
[ ! -f "$dst/test-accuracies.txt.new" ] || mv "$dst/test-accuracies.txt.new" "$dst/test-accuracies.txt"
if [ -d ~/runs/full/stage1 ]; then
  # -L: the baseline runs are links to the runs made by hand (continue-full.sh); a link whose run has not started yet
  # is skipped (rsync's exit code 23).
  rsync -aL --prune-empty-dirs --exclude='stage2-cache/' --include='*/' --include='*.csv' --include='*.json' --include='*.txt' --include='*.md' \
    --exclude='*' ~/runs/full/ "$dst/run/" || [ $? -eq 23 ]
  cp ~/runs/full.log "$dst/run/reproduce.log" 2>/dev/null || true
fi
# The scripts that drive the run on the development machine, for the record.
mkdir -p "$dst/scripts"
cp ~/runs/continue-full.sh ~/runs/continue-base2.sh ~/runs/milestone.sh ~/runs/finish-full.sh /root/renice-loop.sh "$dst/scripts/"
du -sh "$dst"
