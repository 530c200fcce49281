#!/usr/bin/env bash
# .ci/clients.sh: installs the real clients the server tests drive, pinned, into
# target/clients (Python venv + npm folder), and Debian's chromium for the review-page
# browser test. Idempotent; run by .ci/run before cargo test. Needs python3, npm, apt-get.
#   azure-devops 7.1.0b4               (PyPI)  Azure DevOps commit changes
#   huaweicloudsdkcodeartsrepo 3.1.219 (PyPI)  CodeArts merge-request changes
#   @pierre/storage 1.17.1             (npm)   Code Storage commit diff
#   azure-devops-node-api 17.0.1       (npm)   Azure DevOps commit changes (the Node client)
#   playwright-core 1.65.1             (npm)   drives Debian's chromium for the review page
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/clients
mkdir -p "$dir"
if [ ! -x "$dir/venv/bin/python" ] || ! "$dir/venv/bin/python" -c 'import azure.devops, huaweicloudsdkcodeartsrepo' 2>/dev/null; then
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install -q --disable-pip-version-check \
    'azure-devops==7.1.0b4' 'huaweicloudsdkcodeartsrepo==3.1.219'
fi
if [ ! -d "$dir/node/node_modules/@pierre/storage" ] || [ ! -d "$dir/node/node_modules/azure-devops-node-api" ] || [ ! -d "$dir/node/node_modules/playwright-core" ]; then
  mkdir -p "$dir/node"
  (cd "$dir/node" && { [ -f package.json ] || echo '{"private": true}' > package.json; } &&
    npm install -q --no-audit --no-fund --save-exact '@pierre/storage@1.17.1' 'azure-devops-node-api@17.0.1' 'playwright-core@1.65.1')
fi
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
  else
    echo "clients: chromium missing and cannot install it (not root or no apt-get)" >&2
  fi
fi
echo "clients: $("$dir/venv/bin/python" -c 'import importlib.metadata as m; print("azure-devops", m.version("azure-devops"), "huaweicloudsdkcodeartsrepo", m.version("huaweicloudsdkcodeartsrepo"))'), @pierre/storage $(node -p "require('./$dir/node/node_modules/@pierre/storage/package.json').version"), azure-devops-node-api $(node -p "require('./$dir/node/node_modules/azure-devops-node-api/package.json').version"), playwright-core $(node -p "require('./$dir/node/node_modules/playwright-core/package.json').version"), $(chromium --version 2>/dev/null || echo 'no chromium')"
