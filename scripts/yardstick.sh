#!/usr/bin/env bash
# The national yardstick: build the 14 gold documents and score them with the reference scorer.
# Usage: scripts/yardstick.sh [OUT_DIR]   (run from the repository root; uses the repo's src/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
out="${1:-$(mktemp -d)}"
py="${PLANMAP_PYTHON:-$root/.venv/bin/python}"
[ -x "$py" ] || { echo "no python at $py: set PLANMAP_PYTHON or create .venv (see README)" >&2; exit 2; }
gold="$(mktemp -d)"
cp "$shared"/eval/gold/*.csv "$shared"/eval/dev_gold/*.csv "$gold"/
docs=("$shared"/seeds/001_*.txt "$shared"/seeds/004_*.txt "$shared"/eval/dev_docs/dev*.txt)
PYTHONPATH="$root/src" "$py" -m planmap.cli build "${docs[@]}" --out "$out" -q >/dev/null 2>"$out.err" || { cat "$out.err"; }
PYTHONPATH="$root/src" "$py" "$shared/eval/score_dir.py" "$out/data/plans" "$gold"
