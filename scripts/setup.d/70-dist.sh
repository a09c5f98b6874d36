#!/usr/bin/env bash
# Distribution checks (`make test-dist`): actionlint (pinned, from the Go module
# proxy, built once into the cache), shellcheck (actionlint runs it on every
# workflow `run:` block), gpg and Maven (the Maven Central deployment check),
# zip/unzip and a C compiler (stand-in outputs). Idempotent.
set -euo pipefail
ACTIONLINT_VERSION=v1.7.12
CULVERT_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}"
bin="$CULVERT_CACHE/actionlint-$ACTIONLINT_VERSION"

need=()
for pkg in shellcheck gnupg maven zip unzip gcc binutils curl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || need+=(golang-go)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -x "$bin/actionlint" ]; then
    go=$(command -v go || echo /usr/local/go/bin/go)
    mkdir -p "$bin"
    GOBIN="$bin" GOFLAGS=-mod=mod "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
"$bin/actionlint" -version | head -n 1
