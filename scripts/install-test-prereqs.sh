#!/usr/bin/env bash
# Makes sure everything the integration tests need is on this machine, and builds the
# Kubernetes test binaries (cached by version outside the repository, so only the first
# run pays for the build). Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || missing+=("Go 1.24+ (https://go.dev/dl or apt-get install golang-go)")
command -v python3 >/dev/null || missing+=("python3 (apt-get install python3)")
python3 -c 'import moto, flask' 2>/dev/null || missing+=("moto 5.2.1 with its server extra (pip install 'moto[server]==5.2.1')")
command -v kubectl >/dev/null || missing+=("kubectl (apt-get install kubectl, or https://kubernetes.io/docs/tasks/tools/)")
command -v aws >/dev/null || missing+=("the AWS CLI (pip install awscli)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "The integration tests need these, which are missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi

# Headless Chromium renders the audit report in its test (Debian's package).
if ! command -v chromium >/dev/null; then
  echo "installing Debian's chromium for the audit report test..."
  if [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
      { echo "could not install chromium: apt-get install chromium" >&2; exit 1; }
  else
    echo "The audit report test needs Chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

npm run --silent test:env:build -- --with-aws-iam-authenticator
