#!/usr/bin/env bash
# Builds a Debian 12 (bookworm) arm64 sysroot in DIR for running real
# programs under swift-qemu-lite with `-L DIR`.
#
#   TestBinaries/debian-sysroot.sh DIR
#
# The packages are fetched with `apt-get download PKG:arm64` and unpacked
# with `dpkg -x`; nothing is installed into the host. apt must know the
# arm64 architecture, so the script runs (as root) once:
#   dpkg --add-architecture arm64 && apt-get update
# The .deb files are kept in DIR/.debs, and DIR/.packages lists what was
# unpacked (name and version).
set -euo pipefail

dir="${1:?usage: debian-sysroot.sh DIR}"
mkdir -p "$dir/.debs"
dir="$(cd "$dir" && pwd)"

PACKAGES=(
    libc6 libgcc-s1 libstdc++6
    coreutils grep sed gawk busybox-static bash
    libacl1 libattr1 libselinux1 libpcre2-8-0 libgmp10 libmpfr6 libsigsegv2 libreadline8 libtinfo6
    python3.11 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
    zlib1g libexpat1 libffi8 libssl3 libbz2-1.0 liblzma5 libsqlite3-0 libuuid1
    libncursesw6 libdb5.3 libgdbm6 libnsl2 libtirpc3 libcrypt1
    libgssapi-krb5-2 libkrb5-3 libk5crypto3 libcom-err2 libkrb5support0 libkeyutils1
    media-types
    bsdutils perl libperl5.36 perl-modules-5.36
    perl-base lua5.4 liblua5.4-0 sqlite3 xz-utils zstd libzstd1 liblz4-1 bzip2 gzip openssl
)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "debian-sysroot.sh: adding the arm64 architecture to apt (dpkg --add-architecture arm64)"
    dpkg --add-architecture arm64
    apt-get update -qq
elif ! apt-cache show libc6:arm64 >/dev/null 2>&1; then
    apt-get update -qq
fi

cd "$dir/.debs"
for p in "${PACKAGES[@]}"; do
    if ls "${p}"_*_arm64.deb "${p}"_*_all.deb >/dev/null 2>&1; then continue; fi
    # Architecture-independent packages (media-types) have no :arm64 name.
    apt-get download -q "$p:arm64" 2>/dev/null || apt-get download -q "$p"
done

: > "$dir/.packages"
for deb in ./*.deb; do
    dpkg -x "$deb" "$dir"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' >> "$dir/.packages"
done
# Debian 12 images are usr-merged (/bin -> usr/bin, /lib -> usr/lib); the
# packages are not, so the links are made here, as usrmerge would. Files a
# package put in /bin or /lib are moved into /usr first.
for d in bin sbin lib; do
    if [ -d "$dir/$d" ] && [ ! -L "$dir/$d" ]; then
        mkdir -p "$dir/usr/$d"
        cp -a "$dir/$d/." "$dir/usr/$d/"
        rm -rf "${dir:?}/$d"
    fi
    [ -e "$dir/$d" ] || ln -s "usr/$d" "$dir/$d"
done
# Links that maintainer scripts (update-alternatives) would have made.
ln -sfn gawk "$dir/usr/bin/awk"
ln -sfn python3.11 "$dir/usr/bin/python3"
ln -sfn lua5.4 "$dir/usr/bin/lua"
# /bin/sh (dash's) for programs that start a shell, such as script(1).
[ -e "$dir/usr/bin/sh" ] || ln -s bash "$dir/usr/bin/sh"
echo "debian-sysroot.sh: $(wc -l < "$dir/.packages") packages unpacked into $dir"
