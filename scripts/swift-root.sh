#!/usr/bin/env bash
# Creates (once) and caches a minimal Debian 13 (trixie) root holding the Swift
# toolchain, and runs commands inside it with /proc, /dev and the checkout
# mounted. Sourced by scripts/test-swift.sh; `bash scripts/swift-root.sh` alone
# just prepares the root.
#
#   SWIFT_ROOT   where the root lives (default /var/cache/culvert/swift-root)
#
# The mirror is the one apt on this machine uses for Debian itself, read from
# apt's own view of its sources (never a hard-coded host).

SWIFT_ROOT=${SWIFT_ROOT:-/var/cache/culvert/swift-root}
SWIFT_SUITE=trixie
SWIFT_PACKAGES="swiftlang libc6-dev libstdc++-14-dev"
# Bump when the package list or the bootstrap recipe changes: forces a rebuild.
SWIFT_ROOT_STAMP="v1 $SWIFT_SUITE $SWIFT_PACKAGES"
SWIFT_MOUNTS=()

# debian_mirror — prints the Debian archive URI apt uses (e.g. http://host/debian).
debian_mirror() {
    local uri
    # 1. apt's index targets: the repository whose Release says Origin/Label Debian.
    uri=$(apt-get indextargets --format '$(ORIGIN)|$(LABEL)|$(IDENTIFIER)|$(REPO_URI)' 2>/dev/null |
        awk -F'|' '$1 == "Debian" && $2 == "Debian" && $3 == "Packages" { print $4; exit }')
    # 2. No downloaded lists: the sources files themselves (deb822, then one-line).
    if [ -z "$uri" ]; then
        uri=$(awk '
            /^URIs:/ { u = $2 }
            /^Suites:/ { if (u != "" && $0 !~ /-security/) { print u; exit } }
            /^$/ { u = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || return 1
    echo "${uri%/}"
}

swift_root_ready() {
    [ -f "$SWIFT_ROOT/.culvert-stamp" ] && [ "$(cat "$SWIFT_ROOT/.culvert-stamp")" = "$SWIFT_ROOT_STAMP" ] &&
        { [ -x "$SWIFT_ROOT/usr/bin/swift" ] || [ -L "$SWIFT_ROOT/usr/bin/swift" ]; }  # an absolute symlink in the root
}

# swift_mount_base — /proc and /dev inside the root (the compiler finds its own
# libraries through /proc/self/exe). Recorded for swift_unmount_all.
swift_mount_base() {
    mountpoint -q "$SWIFT_ROOT/proc" || { mount -t proc proc "$SWIFT_ROOT/proc"; SWIFT_MOUNTS+=("$SWIFT_ROOT/proc"); }
    if ! mountpoint -q "$SWIFT_ROOT/dev"; then
        mount --rbind /dev "$SWIFT_ROOT/dev"
        mount --make-rslave "$SWIFT_ROOT/dev"
        SWIFT_MOUNTS+=("$SWIFT_ROOT/dev")
    fi
}

# swift_bind SRC DEST — bind-mounts host SRC at DEST inside the root.
swift_bind() {
    mkdir -p "$SWIFT_ROOT$2"
    mountpoint -q "$SWIFT_ROOT$2" && return 0
    mount --bind "$1" "$SWIFT_ROOT$2"
    SWIFT_MOUNTS+=("$SWIFT_ROOT$2")
}

# swift_unmount_all — undoes every mount this shell made, newest first.
swift_unmount_all() {
    local i
    for ((i = ${#SWIFT_MOUNTS[@]} - 1; i >= 0; i--)); do
        umount -R "${SWIFT_MOUNTS[$i]}" 2>/dev/null || umount -R -l "${SWIFT_MOUNTS[$i]}" 2>/dev/null || true
    done
    SWIFT_MOUNTS=()
}

# swift_root_prepare — builds the root unless a complete one is cached.
swift_root_prepare() {
    if swift_root_ready; then return 0; fi
    local mirror
    mirror=$(debian_mirror) || { echo "swift-root: cannot find the Debian mirror in apt's sources" >&2; return 1; }
    command -v debootstrap >/dev/null || { echo "swift-root: debootstrap missing (scripts/setup.d/40-swift.sh)" >&2; return 1; }
    echo "swift-root: bootstrapping $SWIFT_SUITE from $mirror into $SWIFT_ROOT (about a minute)"
    # A half-made root from an interrupted run is unusable: start over.
    if [ -d "$SWIFT_ROOT" ]; then
        umount -R "$SWIFT_ROOT/proc" "$SWIFT_ROOT/dev" 2>/dev/null || true
        rm -rf --one-file-system "$SWIFT_ROOT"
    fi
    mkdir -p "$(dirname "$SWIFT_ROOT")"
    debootstrap --variant=minbase "$SWIFT_SUITE" "$SWIFT_ROOT" "$mirror" ||
        { echo "swift-root: debootstrap failed (see $SWIFT_ROOT/debootstrap/debootstrap.log)" >&2; return 1; }
    swift_mount_base
    # shellcheck disable=SC2086
    chroot "$SWIFT_ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
        sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $SWIFT_PACKAGES && apt-get clean" ||
        { echo "swift-root: installing $SWIFT_PACKAGES failed" >&2; return 1; }
    echo "$SWIFT_ROOT_STAMP" >"$SWIFT_ROOT/.culvert-stamp"
}

# swift_in_root CMD... — runs CMD inside the root (as root, C.UTF-8, HOME=/root).
swift_in_root() {
    chroot "$SWIFT_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C.UTF-8 TERM=dumb "$@"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    exec 9>"${SWIFT_ROOT}.lock" 2>/dev/null || { mkdir -p "$(dirname "$SWIFT_ROOT")"; exec 9>"${SWIFT_ROOT}.lock"; }
    flock -w 1800 9
    trap swift_unmount_all EXIT
    swift_root_prepare
    swift_mount_base
    swift_in_root swift --version
fi
