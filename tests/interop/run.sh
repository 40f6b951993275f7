#!/usr/bin/env bash
# Runs the ethers interop check: installs the pinned npm packages on first use, then the script.
# Usage: tests/interop/run.sh /path/to/agora
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/ethers ] || npm ci --silent --no-audit --no-fund
node ethers_interop.mjs "$1"
