#!/usr/bin/env bash
# Runs one of the JavaScript interop checks against Agora's binaries, installing the pinned npm
# packages (ethers, the OpenAI SDK, the x402 client) on first use.
# Usage: tests/interop/run.sh SCRIPT.mjs [ARGS…]   e.g. run.sh ethers_interop.mjs /path/to/agora
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/ethers ] || [ ! -d node_modules/openai ] ||
   [ ! -d node_modules/@x402/fetch ]; then
  npm ci --silent --no-audit --no-fund
fi
script="$1"
shift
node "$script" "$@"
