#!/usr/bin/env bash
# Runs the things a Debian arm64 chroot does with credentials, mounts and
# xattrs under swift-qemu-lite, against a tree made by debian-sysroot.sh,
# and prints one line per check and a pass count.
#
#   TestBinaries/debian-chroot.sh DIR
#
# As root, in a mount and UTS namespace of its own (the host's mounts and
# name are untouched): the arm64 busybox chroots into DIR and, inside,
# su's to nobody, mounts a tmpfs, bind-mounts and unmounts it, sets the
# host name, chroots once more into a directory of the tmpfs, copies a
# tree with shutil.copytree (xattrs included), and runs apt's sandbox
# sequence (setgroups, setresgid, setresuid to _apt) in a forked child.
#
# Each execve inside a chroot starts the emulator again through
# /proc/self/exe, so /proc is mounted in each root, and the emulator must
# load there: for a dynamically linked EMU (the default, the debug build)
# this script bind-mounts the host's loader, libraries, /opt/swift and the
# emulator's directory into each root; a static EMU needs none of them.
# DIR gets /etc/passwd and /etc/group entries for root, nobody and _apt.
set -uo pipefail

dir="${1:?usage: debian-chroot.sh DIR}"
dir="$(cd "$dir" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMU="${EMU:-$here/../.build/debug/swift-qemu-lite}"
EMU="$(cd "$(dirname "$EMU")" && pwd)/$(basename "$EMU")"
[ "$(id -u)" = 0 ] || { echo "debian-chroot.sh: needs root" >&2; exit 1; }
[ -x "$dir/usr/bin/busybox" ] && [ -x "$dir/usr/bin/python3.11" ] || {
    echo "debian-chroot.sh: $dir lacks busybox or python3.11 (debian-sysroot.sh makes them)" >&2; exit 1; }

mkdir -p "$dir/proc" "$dir/mnt" "$dir/tmp" "$dir/etc"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/bash\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n' > "$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"

# The host directories a dynamically linked emulator loads from.
hostdirs=""
if ldd "$EMU" >/dev/null 2>&1; then
    hostdirs="/lib64 /usr/lib/x86_64-linux-gnu /opt/swift $(dirname "$EMU")"
fi

inner=$(cat <<'SH'
set -u
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got [$2] want [$3]"; fi; }
check "id in the chroot" "$(busybox id -u):$(busybox id -g)" "0:0"
check "su to nobody" "$(busybox su -s /bin/bash nobody -c 'busybox id -u; busybox id -G' | busybox tr '\n' ' ')" "65534 65534 "
busybox mount -t tmpfs -o size=16m,mode=0700 none /mnt
check "mount -t tmpfs" "$(busybox stat -f -c %T /mnt) $(busybox stat -c %a /mnt)" "tmpfs 700"
echo hi > /mnt/f
busybox mkdir -p /tmp/b && busybox mount --bind /mnt /tmp/b
check "mount --bind" "$(busybox cat /tmp/b/f)" "hi"
busybox umount /tmp/b
check "umount" "$(busybox ls /tmp/b)" ""
busybox hostname chroot-host
check "hostname" "$(busybox hostname)" "chroot-host"
busybox mkdir -p /mnt/sub/bin /mnt/sub/proc /mnt/sub/usr
busybox cp /bin/busybox /mnt/sub/bin/
busybox mount -t proc proc /mnt/sub/proc
for d in $HOSTDIRS; do busybox mkdir -p /mnt/sub$d; busybox mount --bind $d /mnt/sub$d; done
[ -n "$HOSTDIRS" ] && busybox ln -s usr/lib /mnt/sub/lib
check "nested chroot" "$(busybox chroot /mnt/sub /bin/busybox sh -c 'busybox cat /f 2>&1; busybox ls /bin')" "cat: can't open '/f': No such file or directory
busybox"
for d in $HOSTDIRS; do busybox umount /mnt/sub$d; done
busybox umount /mnt/sub/proc
check "copytree with xattrs" "$(python3.11 -c '
import os, shutil
os.makedirs("/mnt/src/d")
open("/mnt/src/d/x", "w").write("data")
os.setxattr("/mnt/src/d/x", "trusted.tag", b"v1")
shutil.copytree("/mnt/src", "/mnt/dst")
print(os.listxattr("/mnt/dst/d/x"), os.getxattr("/mnt/dst/d/x", "trusted.tag"))
')" "['trusted.tag'] b'v1'"
check "apt sandbox" "$(python3.11 -c '
import os
pid = os.fork()
if pid == 0:
    os.setgroups([])
    os.setresgid(65534, 65534, 65534)
    os.setresuid(42, 42, 42)
    print(os.getresuid(), os.getresgid(), os.getgroups())
    os._exit(0)
os.waitpid(pid, 0)
')" "(42, 42, 42) (65534, 65534, 65534) []"
busybox umount /mnt
check "umount tmpfs" "$(busybox stat -f -c %T /mnt)" "$(busybox stat -f -c %T /)"
SH
)

out=$(unshare --mount --uts sh -c '
mount --make-rprivate /
mount -t proc proc "$1/proc"
for d in $3; do mkdir -p "$1$d"; mount --bind "$d" "$1$d"; done
HOSTDIRS="$3" "$2" "$1/usr/bin/busybox" chroot "$1" /bin/bash -c "$4"
' sh "$dir" "$EMU" "$hostdirs" "$inner" 2>&1)
echo "$out"
pass=$(echo "$out" | grep -c '^ok ')
fail=$(echo "$out" | grep -vc '^ok ')
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
