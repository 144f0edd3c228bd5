#!/usr/bin/env bash
# Install the judge's language runtimes from Debian, idempotently (a package already there is skipped):
#   openjdk-17-jdk-headless (javac, java), kotlin (kotlinc and the Kotlin runtime jar), rustc, pypy3.
# C, C++ and CPython come with scripts/ensure_docker.sh (g++) and the base system (python3).
# Needs root when something is missing. The docker sandbox image installs the same packages itself
# (Dockerfile.sandbox), so this script is about the bwrap sandbox, which sees the host's /usr.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

say() { printf '[install_languages %3ds] %s\n' "$SECONDS" "$*"; }

# package -> the file it installs that the judge runs (dpkg -s alone would accept a half-removed one)
declare -A WANTS=(
    [openjdk-17-jdk-headless]=/usr/lib/jvm/java-17-openjdk-amd64/bin/javac
    [kotlin]=/usr/bin/kotlinc
    [rustc]=/usr/bin/rustc
    [pypy3]=/usr/bin/pypy3
)
missing=()
for pkg in openjdk-17-jdk-headless kotlin rustc pypy3; do
    [[ -x ${WANTS[$pkg]} ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
    say "all language runtimes are installed"
    exit 0
fi
[[ $EUID -eq 0 ]] || { echo "install_languages: installing ${missing[*]} needs root" >&2; exit 1; }
opts=(-y -qq --no-install-recommends -o Dpkg::Options::=--force-confold)
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    say "apt-get update (no package lists yet)"
    apt-get update -qq
fi
say "apt-get install ${missing[*]}"
if ! apt-get install "${opts[@]}" "${missing[@]}"; then
    say "install failed; apt-get update and retry"
    apt-get update -qq
    apt-get install "${opts[@]}" "${missing[@]}"
fi
for pkg in "${missing[@]}"; do
    [[ -x ${WANTS[$pkg]} ]] || { echo "install_languages: $pkg did not install ${WANTS[$pkg]}" >&2; exit 1; }
done
say "installed ${missing[*]}"
