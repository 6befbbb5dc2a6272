#!/bin/bash
# Issue 12: the width-1 baseline's second one-cycle (a warm restart from the 80-epoch baseline, whose test accuracy,
# 91.06 %, is short of the 92.5 %). Resumes wherever it stopped. Start it as the one heavy job:
#   nohup ~/runs/continue-base2.sh > /dev/null 2>&1 &
# Runs from /work/run-base2 (a checkout of 91c448d for epochs 1-7, then 62d86f2: bf16 validation); log ~/runs/full-baseline2.log.N.
set -euo pipefail
base=$HOME/runs/full-baseline2
resume=""; [ -f "$base/last.ckpt" ] && resume="--resume"
n=1; while [ -e "$base.log.$n" ]; do n=$((n + 1)); done
cd /work/run-base2 && ./emomc train --width 1 --epochs 100 --schedule onecycle --lr 0.05 --batch 128 --precision bf16 \
   --label-smoothing 0.1 --cutout 16 --seed 2 --init "$HOME/runs/full-baseline/last.ckpt" --no-progress \
   --out "$base" $resume > "$base.log.$n" 2>&1
