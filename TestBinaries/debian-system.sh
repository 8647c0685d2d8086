#!/usr/bin/env bash
# The system test: an arm64 Debian 12 root file system made with
# `debootstrap --foreign`, the emulator registered with binfmt_misc (F
# flag), chroot into it, and then a whole system, as users live it.
#
#   TestBinaries/debian-system.sh [--python-tests] [--only LIST] [--proc-early]
#                                 [--reuse-root | --exec CMD] [DIR]
#
# Runs as root on an x86_64 Debian/Ubuntu host with Linux >= 6.7 (each user
# namespace has its own binfmt_misc instance there; the host's binfmt_misc
# is never touched). DIR (default /var/tmp/swift-qemu-lite-system) keeps
# the local mirror, a pristine rootfs tarball, and the logs of the last
# run (DIR/run/logs).
#
# EMU=PATH picks the emulator (default: the static release build of this
# worktree, made by build-static-emulator.sh). EMU=/usr/bin/qemu-aarch64-static
# makes the script the oracle: under qemu every check passes but check 7
# (qemu's own path shows in ps), which is then an expected difference.
# FLAGS (default F) are the binfmt_misc flags; TIMEOUT (default 900) bounds
# each check in seconds; VARIANT (minbase or default) is debootstrap's.
# --python-tests also runs CPython 3.11's regression tests for the modules
# in PYTHON_TESTS (TEST_TIMEOUT per test, default 600 s) and prints their
# counts per module. --only LIST (e.g. "1,2,5") runs the listed checks
# (the second stage always runs, since the others need it). --proc-early
# mounts /proc before the second stage instead of after it (not as in real
# use: for an emulator that cannot start without /proc yet, so that the
# other checks still run; check 1 then says so). --reuse-root keeps the
# root of the last run in DIR (say, one that qemu set up) and runs the checks
# after the second stage on it again, with EMU. --exec 'CMD' (implies
# --reuse-root) runs one shell command in that chroot instead of the checks,
# with QEMU_STRACE=1 in its environment when STRACE=1 (to see which system
# call fails).
#
# Nothing is installed into the host but the arm64 dpkg architecture and
# host-architecture tools (dpkg-dev); packages come from the Debian
# archive through `apt-get download PKG:arm64`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
self="$here/$(basename "${BASH_SOURCE[0]}")"
repo="$(cd "$here/.." && pwd)"

if [ "${1:-}" = --inside ]; then
    # shellcheck source=debian-system/inside.sh
    source "$here/debian-system/inside.sh"
    exit $?
fi

# The body is one compound command, parsed whole before it runs, so that
# editing this file during a run cannot change what the run executes.
{
python_tests=0
reuse_root=0
exec_cmd=""
proc_early=0
only=""
dir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --python-tests) python_tests=1 ;;
        --only) only="${2:?--only needs a list}"; shift ;;
        --proc-early) proc_early=1 ;;
        --reuse-root) reuse_root=1 ;;
        --exec) exec_cmd="${2:?--exec needs a command}"; reuse_root=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "debian-system: unknown option $1" >&2; exit 2 ;;
        *) dir="$1" ;;
    esac
    shift
done
dir="${dir:-/var/tmp/swift-qemu-lite-system}"
TIMEOUT="${TIMEOUT:-900}"
FLAGS="${FLAGS:-F}"
VARIANT="${VARIANT:-minbase}"
TEST_TIMEOUT="${TEST_TIMEOUT:-600}"
PYTHON_TESTS="${PYTHON_TESTS:-test_os test_posix test_signal test_subprocess test_pty test_shutil test_threading test_socket test_select test_mmap test_resource test_tempfile}"

die() { echo "debian-system: $*" >&2; exit 1; }
log() { echo "debian-system: $*" >&2; }

# --- the host -------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "run as root (it creates namespaces and a chroot)"
[ "$(uname -m)" = x86_64 ] || die "an x86_64 host is needed (found $(uname -m))"
kver="$(uname -r)"
kmaj="${kver%%.*}"; kmin="${kver#*.}"; kmin="${kmin%%[!0-9]*}"
if [ "$kmaj" -lt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -lt 7 ]; }; then
    die "Linux >= 6.7 is needed for a private binfmt_misc instance per user namespace (this is $kver)"
fi
for t in debootstrap unshare chroot python3 xz gzip tar timeout; do
    command -v "$t" >/dev/null || die "$t is missing (apt-get install debootstrap util-linux python3 xz-utils)"
done
if ! command -v dpkg-scanpackages >/dev/null; then
    log "installing dpkg-dev (host architecture) for dpkg-scanpackages"
    apt-get install -y -q dpkg-dev >&2
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    log "adding the arm64 architecture to dpkg (dpkg --add-architecture arm64)"
    dpkg --add-architecture arm64
    apt-get update -q >&2
elif ! ls /var/lib/apt/lists/*binary-arm64_Packages* >/dev/null 2>&1; then
    apt-get update -q >&2
fi

if [ -z "${EMU:-}" ]; then
    command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:$PATH
    log "building the static release emulator (TestBinaries/build-static-emulator.sh)"
    EMU="$repo/$("$repo/TestBinaries/build-static-emulator.sh")"
fi
EMU="$(readlink -f "$EMU")"
[ -x "$EMU" ] || die "EMU=$EMU is not an executable"
if command -v readelf >/dev/null && readelf -lW "$EMU" | grep -q INTERP; then
    die "$EMU is dynamically linked: binfmt_misc's F flag needs a static emulator inside a chroot"
fi
emu_name="$(basename "$EMU")"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
mirror="$dir/mirror"
cache="$dir/cache"
run="$dir/run"
mkdir -p "$mirror" "$cache"
t_start=$(date +%s)

# --- the local mirror -----------------------------------------------------
# What debootstrap's variant needs (every `Priority: required` package,
# usr-is-merged, and apt or the `important` ones), what the checks install,
# and the closure of their Depends and Pre-Depends over the arm64 lists.
CHECK_PACKAGES="apt passwd login util-linux mount procps python3 perl attr
    build-essential gcc make libc6-dev dpkg-dev libpython3.11-testsuite"
mirror_key="$(printf '%s\n' "$VARIANT" $CHECK_PACKAGES | sha256sum | cut -c1-16)"
if [ ! -f "$mirror/.done-$mirror_key" ]; then
    log "building the local arm64 mirror in $mirror"
    rm -rf "$mirror/pool" "$mirror/dists" "$mirror"/.done-*
    mkdir -p "$mirror/pool/main" "$mirror/dists/bookworm/main/binary-arm64"
    lists=()
    for f in /var/lib/apt/lists/*_dists_bookworm_main_binary-arm64_Packages* \
             /var/lib/apt/lists/*_dists_bookworm-updates_main_binary-arm64_Packages* \
             /var/lib/apt/lists/*_dists_bookworm-security_main_binary-arm64_Packages*; do
        [ -e "$f" ] && lists+=("$f")
    done
    [ ${#lists[@]} -gt 0 ] || die "no bookworm arm64 package lists in /var/lib/apt/lists (apt-get update)"
    for f in "${lists[@]}"; do /usr/lib/apt/apt-helper cat-file "$f"; echo; done > "$mirror/.all-Packages"
    python3 "$here/debian-system/closure.py" "$mirror/.all-Packages" "$VARIANT" $CHECK_PACKAGES \
        > "$mirror/.wanted"
    log "$(wc -l < "$mirror/.wanted") packages in the closure; downloading (apt-get download)"
    # apt-get download fetches as _apt; the pool belongs to it meanwhile.
    id _apt >/dev/null 2>&1 && chown _apt "$mirror/pool/main"
    (
        cd "$mirror/pool/main"
        # Each line: NAME ARCH PRIORITY SECTION; arch-all packages have no :arm64 name.
        mapfile -t arm < <(awk '$2 != "all" { print $1 ":arm64" }' "$mirror/.wanted")
        mapfile -t all < <(awk '$2 == "all" { print $1 }' "$mirror/.wanted")
        [ ${#arm[@]} -eq 0 ] || apt-get download -q "${arm[@]}" >&2
        [ ${#all[@]} -eq 0 ] || apt-get download -q "${all[@]}" >&2
    )
    chown -R root:root "$mirror/pool"
    awk '{ print $1, $3, $4 }' "$mirror/.wanted" > "$mirror/.override"
    (cd "$mirror" && dpkg-scanpackages -m -a arm64 pool/main .override 2>/dev/null) \
        > "$mirror/dists/bookworm/main/binary-arm64/Packages"
    (
        cd "$mirror/dists/bookworm"
        p=main/binary-arm64/Packages
        gzip -9nc "$p" > "$p.gz"
        xz -c "$p" > "$p.xz"
        printf 'Archive: bookworm\nComponent: main\nOrigin: Debian\nLabel: Debian\nArchitecture: arm64\n' \
            > main/binary-arm64/Release
        {
            echo "Origin: Debian"
            echo "Label: Debian"
            echo "Suite: bookworm"
            echo "Codename: bookworm"
            echo "Date: $(LC_ALL=C date -u -R)"
            echo "Architectures: arm64"
            echo "Components: main"
            echo "Description: local arm64 mirror for debian-system.sh"
            for sum in MD5Sum:md5sum SHA256:sha256sum; do
                echo "${sum%%:*}:"
                for f in main/binary-arm64/Packages main/binary-arm64/Packages.gz \
                         main/binary-arm64/Packages.xz main/binary-arm64/Release; do
                    printf ' %s %s %s\n' "$(${sum#*:} < "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f"
                done
            done
        } > Release
    )
    python3 "$here/debian-system/closure.py" --verify "$mirror/dists/bookworm/main/binary-arm64/Packages" >&2 \
        || die "the mirror's dependency closure is incomplete"
    chmod -R a+rX "$mirror"
    touch "$mirror/.done-$mirror_key"
fi
log "mirror: $(grep -c '^Package:' "$mirror/dists/bookworm/main/binary-arm64/Packages") packages"

# --- the pristine rootfs (debootstrap's first stage) ------------------------
rootfs_key="$(cat "$mirror/dists/bookworm/main/binary-arm64/Packages" | sha256sum | cut -c1-16)"
tarball="$cache/rootfs-$VARIANT-$rootfs_key.tar"
if [ ! -f "$tarball" ]; then
    log "debootstrap --foreign --arch=arm64 --variant=$VARIANT into a new rootfs"
    rm -f "$cache"/rootfs-*.tar
    stage1="$dir/stage1"
    rm -rf "$stage1"
    variant_opt=()
    [ "$VARIANT" = default ] || variant_opt=(--variant="$VARIANT")
    debootstrap --foreign --arch=arm64 --no-check-gpg "${variant_opt[@]}" \
        bookworm "$stage1" "file://$mirror" > "$dir/debootstrap-stage1.log" 2>&1 \
        || { tail -20 "$dir/debootstrap-stage1.log" >&2; die "debootstrap's first stage failed (log: $dir/debootstrap-stage1.log)"; }
    tar -C "$stage1" --xattrs --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$stage1"
fi

# --- a fresh root for this run ----------------------------------------------
if [ "$reuse_root" = 1 ]; then
    [ -x "$run/root/usr/bin/apt-get" ] && [ ! -d "$run/root/debootstrap" ] \
        || die "--reuse-root: $run/root has not been through the second stage"
    rm -rf "$run/logs" "$run/binfmt" "$run/.go"
    mkdir -p "$run/logs"
else
rm -rf "$run"
mkdir -p "$run/root" "$run/logs"
tar -C "$run/root" --xattrs --numeric-owner -xf "$tarball"
# debootstrap makes /proc a symbolic link to /proc when it thinks it runs in
# a docker container (/.dockerenv); a chroot needs a directory there.
if [ -L "$run/root/proc" ]; then rm "$run/root/proc"; mkdir -m 555 "$run/root/proc"; fi
mkdir -p "$run/root/mirror" "$run/root/root/syscheck"
cp -r "$here/debian-system/cproj" "$here/debian-system"/*.py "$here/debian-system"/*.pl \
    "$run/root/root/syscheck/"
echo "deb [trusted=yes] file:///mirror bookworm main" > "$run/root/root/syscheck/sources.list"
fi
prep_s=$(( $(date +%s) - t_start ))
log "prepared in ${prep_s} s; entering the namespaces (logs: $run/logs)"

# --- the namespaces ----------------------------------------------------------
# unshare makes the user, mount, pid and IPC namespaces; this shell writes
# the identity map 0-65535 into them (as root it needs no newuidmap), and
# the child, which waited on the fifo, then re-executes itself with full
# capabilities in the namespace.
fifo="$run/.go"
mkfifo "$fifo"
export DS_ROOT="$run/root" DS_LOGS="$run/logs" DS_MIRROR="$mirror" DS_EMU="$EMU" \
    DS_EMU_NAME="$emu_name" DS_FLAGS="$FLAGS" DS_TIMEOUT="$TIMEOUT" DS_ONLY="$only" \
    DS_PYTHON_TESTS="$python_tests" DS_PYTHON_MODULES="$PYTHON_TESTS" \
    DS_TEST_TIMEOUT="$TEST_TIMEOUT" DS_PROC_EARLY="$proc_early" DS_REUSE_ROOT="$reuse_root" DS_EXEC="$exec_cmd" DS_STRACE="${STRACE:-0}" DS_START="$t_start" DS_SELF="$self" DS_HERE="$here"
unshare --user --mount --pid --ipc --uts --fork --kill-child --propagation private -- \
    /bin/bash -c 'read -r _ < "$1" && exec "$2" --inside' _ "$fifo" "$self" &
upid=$!
# unshare ignores INT and TERM while it waits, and its --kill-child does not
# outlive the re-execution (a change of capabilities clears the parent-death
# signal): killing the namespace's pid 1 ends every process of the run.
kill_run() {
    kill -KILL $(cat "/proc/$upid/task/$upid/children" 2>/dev/null) "$upid" 2>/dev/null || true
}
trap 'kill_run; exit 130' INT TERM
me="$(readlink /proc/self/ns/user)"
for _ in $(seq 200); do
    [ "$(readlink "/proc/$upid/ns/user" 2>/dev/null)" != "$me" ] && break
    sleep 0.05
done
echo "0 0 65536" > "/proc/$upid/uid_map"
echo "0 0 65536" > "/proc/$upid/gid_map"
echo go > "$fifo"
rc=0
wait "$upid" || rc=$?
rm -f "$fifo"
exit "$rc"
}
