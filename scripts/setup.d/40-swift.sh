#!/usr/bin/env bash
# Swift area: host tools for `make test-swift`.
#  - debootstrap builds the Debian 13 (trixie) root the Swift compiler runs in
#    (scripts/test-swift.sh creates and caches that root itself);
#  - clang checks the generated C header and modulemap with -fmodules;
#  - binutils gives `nm` for the exported-symbol check;
#  - python3-venv holds the pinned tree-sitter-swift parser.
set -euo pipefail
need=()
for pkg in debootstrap clang binutils python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
