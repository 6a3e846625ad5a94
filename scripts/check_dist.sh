#!/usr/bin/env bash
# Build the sdist and wheel, install the wheel into a clean virtual environment, import it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/.venv/bin/python" -m build --outdir "$work/dist" "$root" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/*.whl
cd "$work"
"$work/venv/bin/python" - <<'PY'
import ovh_responses
from ovh_responses import _version
assert ovh_responses.__version__ == _version.__version__
print("wheel ok:", ovh_responses.__version__)
PY
