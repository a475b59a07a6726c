#!/usr/bin/env bash
# Runs the demo: installs what is missing (PostgreSQL, RabbitMQ), then the AppHost, which builds and
# starts everything and prints the dashboard's login link. Ctrl+C stops it all. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
install_prerequisites
exec dotnet run --project AppHost -- "$@"
