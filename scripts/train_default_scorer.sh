#!/usr/bin/env bash
# Regenerates ioi_agent/selection/default_scorer.pt, the learned scorer that ships with the package.
#
# Labelled pools: the demo problems' shipped submissions (problems/demo/*/submissions/) and the solutions
# written for the real Kattis packages (tests/data/shared_solutions/<contest>/<problem>/<label>/, matched to
# the packages in ../shared/data/kattis by folder name). Each candidate is labelled per subtask with its score
# fraction on the hidden tests. Those packages store no time limit: 1 s, as their README says.
# The scorer leaves out the features that describe how a program is written rather than how it behaves
# (language_python, code_length_log): in these pools they give the label away (every written Python
# solution is an accepted one), which would not carry over to a model's pool.
# Deterministic for a given seed; judge results come from the store, so a rerun costs little.
set -euo pipefail
cd "$(dirname "$0")/.."
KATTIS="${KATTIS:-../shared/data/kattis}"
ioi-agent train-scorer problems/demo/*/submissions tests/data/shared_solutions/*/*/ \
    --problems problems/demo "$KATTIS" \
    --time-limit 1 --jobs "${JOBS:-2}" --seed 0 --epochs 200 \
    --exclude-features language_python,code_length_log \
    --out ioi_agent/selection/default_scorer.pt
