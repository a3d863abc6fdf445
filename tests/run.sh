#!/bin/sh
# The whole test suite, from a fresh Debian 12 machine (as root): installs
# what it needs (idempotently), builds, and runs every test under prove.
# The last lines are prove's summary ("Result: PASS").
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh --test
make -j"$(nproc)" all
make -j"$(nproc)" check
