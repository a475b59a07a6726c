#!/usr/bin/env bash
# Runs the demo: installs what is missing, then starts it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites

if [ -d AppHost ]; then
  exec dotnet run --project AppHost -- "$@"
fi

# Until the AppHost lands, the demo is the dashboard on its own. Exporters need its OTLP API key:
# set Dashboard__Otlp__PrimaryApiKey yourself to choose it, or one is generated for this run.
if [ -z "${Dashboard__Otlp__PrimaryApiKey:-}" ]; then
  export Dashboard__Otlp__PrimaryApiKey="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  echo "Generated an OTLP API key for this run (set Dashboard__Otlp__PrimaryApiKey to choose your own)."
fi
exec dotnet run --project Dashboard -c Release -- "$@"
