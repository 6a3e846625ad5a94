#!/usr/bin/env bash
# Build the sdist and the wheel and check what the sdist holds; then, for each Python version
# in DIST_PYTHONS (default 3.11) and each extra in DIST_EXTRAS (default: core langchain
# llama-index, "core" meaning none), install the wheel alone with that extra into a clean
# virtual environment and run README.md's matching quick start, unmodified, against the local
# endpoint. The adapter whose extra is missing must say which
# pip install line brings it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
versions=${DIST_PYTHONS:-3.11}
extras=${DIST_EXTRAS:-core langchain llama-index}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/.venv/bin/python" -m build --outdir "$work/dist" "$root" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/*.whl)

# The sdist: the three packages and the top-level files a source build needs, nothing else.
stray=$(tar tzf "$work"/dist/*.tar.gz | sed 's|^[^/]*/||' | grep -v '/$' \
  | grep -Ev '^(ovh_responses|langchain_ovh_responses|llama_index_ovh_responses)/' \
  | grep -Ev '^(pyproject\.toml|README\.md|LICENSE|CHANGELOG\.md|PKG-INFO|\.gitignore)$' || true)
[[ -z "$stray" ]] || { echo "stray files in the sdist:"; echo "$stray"; exit 1; }

mkdir "$work/quick"
"$root/.venv/bin/python" "$root/scripts/quickstarts.py" "$work/quick"

for version in $versions; do
  python=$(bash "$root/scripts/find_python.sh" "$version")
  for extra in $extras; do
    venv="$work/venv-$version-$extra"
    "$python" -m venv "$venv"
    spec=$wheel
    [[ $extra == core ]] || spec="$wheel[$extra]"
    "$venv/bin/python" -m pip install --quiet --no-compile --disable-pip-version-check "$spec" \
      2> >(grep -v "^WARNING: Location" >&2)
    mkdir "$work/run-$version-$extra"
    (cd "$work/run-$version-$extra" \
      && env -u AI_ENDPOINT_API_KEY -u OVH_AI_ENDPOINTS_ACCESS_TOKEN -u OVHCLOUD_API_KEY \
        "$venv/bin/python" "$root/scripts/run_quickstart.py" "$work/quick/$extra.py" "$extra" \
        >"$work/run.log" 2>&1) || { cat "$work/run.log"; exit 1; }
    echo "Python $version, wheel with ${extra/core/no extra}: quick start ok"
  done
done
