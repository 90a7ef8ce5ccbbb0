#!/usr/bin/env bash
# Installs what the PDF output and the browser tests need, from Debian's packages: the chromium
# browser (driven headless through puppeteer-core; no browser is downloaded) and the Noto CJK fonts
# the Chinese pages are drawn with. Does nothing when both are there; needs root (or sudo) otherwise.
set -euo pipefail
fonts="$(fc-list :lang=zh family 2>/dev/null || true)"
if command -v chromium >/dev/null && [[ "$fonts" == *CJK* ]]; then
  exit 0
fi
sudo=''
[ "$(id -u)" = 0 ] || sudo='sudo'
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
chromium --version
