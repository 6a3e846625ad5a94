#!/usr/bin/env bash
# Side-by-side benchmark: ours vs the official OpenAI adapters vs the raw openai SDK.
# Usage: benchmarks/run.sh [bench.py options]   (e.g. --calls 50 --quick)
# Environments are cached in ${OVH_BENCH_HOME:-$HOME/.cache/ovh-responses/bench}.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
home="${OVH_BENCH_HOME:-$HOME/.cache/ovh-responses/bench}"
python="${PYTHON:-python3}"
mkdir -p "$home"

# One environment per side: llama-index-llms-openai 0.8 caps openai below 3, this project needs
# openai>=3.50, so the two sides cannot share one environment.
make_env() {  # name, stamp, pip args...
    local name="$1" dir="$home/$1" stamp="$2"
    shift 2
    if [[ -f "$dir/.stamp" && "$(cat "$dir/.stamp")" == "$stamp" ]]; then
        return
    fi
    echo "creating $dir" >&2
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install --upgrade pip >"$home/$name-pip.log" 2>&1
    if ! "$dir/bin/pip" install "$@" >>"$home/$name-pip.log" 2>&1; then
        echo "pip install failed for $name; see $home/$name-pip.log" >&2
        exit 1
    fi
    echo "$stamp" >"$dir/.stamp"
}

# The "ours" environment installs this checkout in editable mode, so each checkout has its own
# (named after its path): another checkout's environment would measure that checkout's code.
ours="ours-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"
ours_stamp="$(sha256sum "$repo/pyproject.toml" | cut -c1-16)"
make_env "$ours" "$ours_stamp" -e "$repo[all]"
make_env official "v1" langchain-openai llama-index-llms-openai

"$home/$ours/bin/python" "$here/bench.py" \
    --official-python "$home/official/bin/python" --out "$home/results/latest.json" "$@"
