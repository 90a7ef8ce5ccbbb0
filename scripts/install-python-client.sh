#!/usr/bin/env bash
# Installs the pinned openapi-python-client from PyPI into .venv-clients/ (ignored by git), for the
# test that generates a Python client from the service's API description and calls the service with
# it. Does nothing when that version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.29.1
venv=.venv-clients
if [ -x "$venv/bin/openapi-python-client" ] && "$venv/bin/openapi-python-client" --version 2>/dev/null | grep -qx "openapi-python-client version: $version"; then
  exit 0
fi
if ! python3 -m venv "$venv" 2>/dev/null; then
  # Debian keeps venv (ensurepip) in a package of its own.
  sudo=''
  [ "$(id -u)" = 0 ] || sudo='sudo'
  $sudo apt-get update -qq && $sudo apt-get install -y -qq python3-venv >/dev/null
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client==$version"
"$venv/bin/openapi-python-client" --version
