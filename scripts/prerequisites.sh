#!/usr/bin/env bash
# Installs what the demo and the tests need and is missing; safe to run again.
# Sourced by run.sh and test.sh. Everything comes from Debian's packages; nothing is downloaded directly.
set -euo pipefail

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
    echo "error: the .NET 10 SDK is required (dotnet on PATH, 'dotnet --list-sdks' showing 10.x)." >&2
    echo "       Install it as described at https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
  fi
}

# apt_install PACKAGE... installs the Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: installing ${missing[*]} needs root (or sudo)." >&2; exit 1; }
    sudo="sudo"
  fi
  echo "Installing ${missing[*]} from Debian's packages..."
  # The demo runs its own Postgres and RabbitMQ, so the packages' system services must not start (and
  # stay running) on install: a policy-rc.d that says "no" does that, and goes away afterwards.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    added_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$added_policy" ] || $sudo rm -f "$policy"
}

install_prerequisites() {
  require_dotnet
  # PostgreSQL and RabbitMQ servers (run by the AppHost as local resources); setsid and setpriv come with util-linux;
  # Chromium for the browser tests (Playwright drives Debian's build, never a downloaded one).
  apt_install postgresql rabbitmq-server util-linux chromium
}
