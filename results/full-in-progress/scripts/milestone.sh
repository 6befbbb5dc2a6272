#!/bin/bash
# Copies the full run's small results (CSV, JSON, TXT, MD, the log; never checkpoints, locks or the shared
# evaluation cache, which each search's correctness.txt duplicates) into a checkout's results/full-in-progress/run/,
# and the scripts that drive the run into results/full-in-progress/scripts/, for a milestone commit.
# Usage: ~/runs/milestone.sh /work/main
set -euo pipefail
repo=${1:?usage: milestone.sh REPO}
dst="$repo/results/full-in-progress"
mkdir -p "$dst/run" "$dst/scripts"
rsync -a --prune-empty-dirs --exclude='stage2-cache/' --include='*/' --include='*.csv' --include='*.json' --include='*.txt' \
  --include='*.md' --exclude='*' ~/runs/full/ "$dst/run/"
cp ~/runs/full.log "$dst/run/reproduce.log"
cp ~/runs/continue-full.sh ~/runs/milestone.sh /root/renice-loop.sh "$dst/scripts/"
for f in finish-full.sh extend-swa.sh; do [ ! -f ~/runs/$f ] || cp ~/runs/$f "$dst/scripts/"; done
du -sh "$dst/run"
