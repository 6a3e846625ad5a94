#!/usr/bin/env bash
# Print the path of a working interpreter for Python X.Y ($1): pythonX.Y on PATH, else the
# newest pyenv-installed X.Y.*. Fails, naming what to install, when there is none.
set -euo pipefail
version=$1
if command -v "python$version" >/dev/null && "python$version" -c "" 2>/dev/null; then
  "python$version" -c "import sys; print(sys.executable)"
  exit 0
fi
if command -v pyenv >/dev/null; then
  found=$(pyenv versions --bare | grep -E "^${version//./\\.}\.[0-9]+$" | sort -V | tail -1 || true)
  if [[ -n "$found" ]]; then
    PYENV_VERSION=$found pyenv which "python$version"
    exit 0
  fi
fi
echo "Python $version is needed (install it, e.g. with pyenv install $version)" >&2
exit 1
