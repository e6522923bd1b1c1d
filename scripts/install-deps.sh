#!/usr/bin/env bash
# Installs the Debian 12 packages ptrack builds, runs and tests with, when
# any is missing. Run as root (or with sudo). Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libuv1-dev libcjson-dev libsqlite3-dev libhttp-parser-dev
  libcurl4-openssl-dev libssl-dev libcmocka-dev libxlsxwriter-dev
  curl sqlite3 python3 python3-aiosmtpd procps clang-format valgrind
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
