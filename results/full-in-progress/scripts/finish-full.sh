#!/bin/bash
# Publishes a finished reproduction into a checkout (issue 12's deliverables), as the one job on the machine:
#   ~/runs/finish-full.sh [REPO [PROFILE RUN FIGURES]]   default: /work/main full $EMOMC_RUN|~/runs/full, the figures of
#                                                        the checkout that ran it (/work/run-full or /work/run-full-2)
# 1. the run's small files (CSV, JSON, TXT, MD; never checkpoints, locks or the shared evaluation cache) -> results/P,
#    its log -> results/P/reproduce.log; 2. the figures reproduce drew -> figures/P; 3. the README's results section
#    (markers added once); 4. notebooks 07-09 executed under P from the committed results -> docs/notebooks/P/.
# Then by hand: results/full-in-progress goes (its links in README.md point to results/full), note, commit, CI.
set -euo pipefail
# The run directory defaults to the one ~/runs/full.env names (baseline-rule.sh), else ~/runs/full.
[ ! -f "$HOME/runs/full.env" ] || . "$HOME/runs/full.env"
repo=${1:-/work/main}; profile=${2:-full}; run=${3:-${EMOMC_RUN:-$HOME/runs/full}}
# reproduce draws its figures in the checkout it runs from (continue-full.sh: /work/run-full-2 for a new reproduction)
code=/work/run-full; [ "$run" = "$HOME/runs/full" ] || code=/work/run-full-2
figs=${4:-$code/figures/full}
[ -f "$run/report/reproduce.json" ] || { echo "finish: $run has not finished (no report/reproduce.json)" >&2; exit 1; }
dst="$repo/results/$profile"
mkdir -p "$dst" "$repo/figures/$profile"
rsync -aL --prune-empty-dirs --exclude='stage2-cache/' --include='*/' --include='*.csv' --include='*.json' --include='*.txt' \
  --include='*.md' --exclude='*' "$run/" "$dst/"
[ "$profile" != full ] || cp "$HOME/runs/full.log" "$dst/reproduce.log"
cp -p "$figs"/* "$repo/figures/$profile/"
# Every baseline run's validation accuracy per epoch (the profile's runs and the baseline rule's fallbacks).
[ "$profile" != full ] || "$HOME/runs/baseline-figure.sh" "$repo" "$repo/figures/$profile/baseline-training"
du -sh "$dst" "$repo/figures/$profile"
cd "$repo"
# The notebooks read the data (a fresh work tree has no link to it yet).
[ -e datasets/cifar-10-batches-bin ] || ln -s /work/shared/datasets/cifar-10-batches-bin datasets/
begin="<!-- results:$profile:begin (./emomc results-section $profile) -->"
if ! grep -qF "$begin" README.md; then
  # The section goes after the Results heading's introduction, before the quick profile's own section.
  python3 - "$begin" "<!-- results:$profile:end -->" <<'PY'
import sys
s = open('README.md').read()
anchor = '### Quick profile (VGG-16 width 1/4)'
assert anchor in s, 'README.md: no quick-profile results heading to put the section before'
s = s.replace(anchor, '### Full profile (VGG-16 width 1)\n\n' + sys.argv[1] + '\n' + sys.argv[2] + '\n\n' + anchor, 1)
open('README.md', 'w').write(s)
PY
fi
./emomc results-section "$profile" --readme README.md
./emomc notebook setup > /dev/null
./emomc notebook render --profile "$profile" --out "docs/notebooks/$profile" notebooks/07-*.ipynb notebooks/08-*.ipynb notebooks/09-*.ipynb
git status --short | head -20
