# The part of debian-system.sh that runs inside the namespaces: pid 1 of a
# new pid namespace, root of a user namespace whose uids and gids 0-65535
# map to the host's, in private mount and IPC namespaces. Sourced by
# debian-system.sh --inside, with DS_* variables set by its host part.
set +e -uo pipefail

R="$DS_ROOT"
LOGS="$DS_LOGS"
BM="$LOGS/../binfmt"
ENTRY=debian-system-aarch64
# Debian's qemu-aarch64 magic and mask (ELF64, little endian, EM_AARCH64,
# ET_EXEC or ET_DYN); binfmt_misc decodes the \x escapes itself.
MAGIC='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
MASK='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
case "$DS_EMU_NAME" in qemu-*) under_qemu=1 ;; *) under_qemu=0 ;; esac

unregister() {
    if [ -e "$BM/$ENTRY" ]; then
        echo -1 > "$BM/$ENTRY" 2>/dev/null || true
    fi
    umount -l "$BM" 2>/dev/null || true
}
trap unregister EXIT
trap 'exit 130' INT TERM

mkdir -p "$BM"
mount -t binfmt_misc binfmt_misc "$BM" || { echo "debian-system: cannot mount a private binfmt_misc instance" >&2; exit 1; }
if [ -e "$BM/$ENTRY" ]; then echo -1 > "$BM/$ENTRY"; fi
printf '%s' ":$ENTRY:M::$MAGIC:$MASK:$DS_EMU:$DS_FLAGS" > "$BM/register" \
    || { echo "debian-system: binfmt_misc registration failed" >&2; exit 1; }
grep -E '^(enabled|interpreter|flags)' "$BM/$ENTRY" | sed 's/^/debian-system: binfmt_misc /' >&2

# /dev from the host (mknod is denied in a user namespace); /proc, /sys,
# ptys and the mirror come after the second stage, which must start
# without /proc.
mount --rbind /dev "$R/dev"

C() {
    timeout -k 10 "$DS_TIMEOUT" chroot "$R" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LC_ALL=C TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}

# step DESC COMMAND...: runs COMMAND with its output in the log and in
# $out; on failure the check's reason names DESC, the status and the last
# line printed.
step() {
    local desc="$1" rc=0
    shift
    "$@" > "$LOGS/.out" 2>&1 || rc=$?
    cat "$LOGS/.out"
    out="$(cat "$LOGS/.out")"
    if [ "$rc" -ne 0 ]; then
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            echo "REASON: $desc timed out after ${DS_TIMEOUT}s"
        else
            # The last line the command printed, not bash's report of its death.
            local last
            last="$(grep -v -e '^[[:space:]]*$' -e 'inside.sh: line [0-9]*: ' "$LOGS/.out" | tail -1 | cut -c1-200)"
            if [ "$rc" -gt 128 ]; then
                echo "REASON: $desc killed by signal $((rc - 128)): $last"
            else
                echo "REASON: $desc exited $rc: $last"
            fi
        fi
        return 1
    fi
}
# expect DESC REGEX: $out must have a line matching REGEX.
expect() {
    if ! grep -Eq -- "$2" <<< "$out"; then
        echo "REASON: $1: no line matches /$2/ (last line: $(grep -v '^[[:space:]]*$' <<< "$out" | tail -1 | cut -c1-160))"
        return 1
    fi
}
ok() { echo "REASON: $*"; }

n_pass=0 n_fail=0
failed=() xfail=()
selected() {
    [ -z "$DS_ONLY" ] && return 0
    [ "$1" = 1 ] && return 0
    [[ ",$DS_ONLY," == *",$1,"* ]]
}
# run ID NAME FUNCTION: one PASS/FAIL line with a short reason.
run() {
    local id="$1" name="$2" fn="$3"
    selected "$id" || return 0
    local log="$LOGS/$id-$name.log" t0 rc=0 reason dt
    t0=$(date +%s)
    ( set -e; "$fn" ) > "$log" 2>&1
    rc=$?
    dt=$(( $(date +%s) - t0 ))
    reason="$(sed -n 's/^REASON: //p' "$log" | tail -1)"
    if [ "$rc" = 0 ]; then
        n_pass=$((n_pass + 1))
        printf 'PASS %-22s %s (%ss)\n' "$id.$name" "${reason:-ok}" "$dt"
    else
        n_fail=$((n_fail + 1))
        [ -n "$reason" ] || reason="exited $rc (log: $log)"
        if [ "$id" = 7 ] && [ "$under_qemu" = 1 ]; then
            xfail+=("$id.$name")
            reason="$reason [expected difference under qemu: its own path shows in /proc/PID/cmdline]"
        else
            failed+=("$id.$name")
        fi
        printf 'FAIL %-22s %s (%ss)\n' "$id.$name" "$reason" "$dt"
    fi
}

# --- 1. debootstrap --second-stage ----------------------------------------
check_second_stage() {
    local how="started without /proc"
    if [ "$DS_PROC_EARLY" = 1 ]; then
        # Stacked three deep: debootstrap unmounts /proc when it starts and
        # when it ends, and each of its later commands needs one still there.
        mount -t proc proc "$R/proc"; mount -t proc proc "$R/proc"; mount -t proc proc "$R/proc"
        how="/proc mounted before it (--proc-early)"
    elif mountpoint -q "$R/proc"; then
        ok "/proc is mounted before the second stage"; return 1
    fi
    echo "the second stage: $how"
    # container=lxc: debootstrap then skips its mknod probe of the target,
    # which a user namespace denies (as in an unprivileged LXC container).
    step "debootstrap --second-stage" C container=lxc /debootstrap/debootstrap --second-stage
    expect "second stage" "Base system installed successfully"
    local n
    n=$(grep -c '^Status: install ok installed' "$R/var/lib/dpkg/status")
    ok "base system installed, $n packages configured, $how"
}

after_second_stage() {
    while mountpoint -q "$R/proc"; do umount "$R/proc" || break; done
    mount -t proc proc "$R/proc"
    mountpoint -q "$R/sys" || mount --rbind /sys "$R/sys"
    umount -l "$R/dev/pts" 2>/dev/null || true
    mkdir -p "$R/dev/pts" "$R/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$R/dev/pts"
    mount --bind "$R/dev/pts/ptmx" "$R/dev/ptmx"
    mountpoint -q "$R/dev/shm" || mount -t tmpfs -o mode=1777 shm "$R/dev/shm"
    mount --bind "$DS_MIRROR" "$R/mirror"
    mount -o remount,bind,ro "$R/mirror"
    cp "$R/root/syscheck/sources.list" "$R/etc/apt/sources.list"
    # debootstrap writes no /etc/hosts; without one "localhost" does not
    # resolve (CPython's socket tests bind to it).
    [ -e "$R/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
}

# --- 2. apt and dpkg ------------------------------------------------------------
check_apt_update() {
    if ! grep -q '^_apt:' "$R/etc/passwd"; then
        ok "no _apt user in the root: apt could not sandbox (is the second stage done?)"; return 1
    fi
    step "apt-get update" C apt-get update
    if grep -q unsandboxed <<< "$out"; then
        ok "apt fell back to downloading unsandboxed as root"; return 1
    fi
    ok "apt-get update from file:///mirror, sandboxed as _apt"
}
check_apt_install() {
    step "apt-get install" C apt-get install -y --no-install-recommends procps python3 perl attr
    if grep -q unsandboxed <<< "$out"; then
        ok "apt fell back to fetching unsandboxed as root"; return 1
    fi
    step "python3 after install" C python3 -c 'print("python", 6 * 7)'
    expect "python3" "^python 42$"
    ok "procps python3 perl attr installed and python3 runs"
}
check_dpkg_i() {
    step "dpkg-deb --build and dpkg -i" C /bin/sh -c '
        set -e
        d=/root/hello-deb
        rm -rf "$d"; mkdir -p "$d/DEBIAN" "$d/usr/local/bin"
        printf "Package: syscheck-hello\nVersion: 1.0\nArchitecture: arm64\nMaintainer: nobody <nobody@example.invalid>\nDescription: debian-system check\n" > "$d/DEBIAN/control"
        printf "#!/bin/sh\nset -e\necho \"postinst \$1\" > /var/lib/syscheck-postinst\n" > "$d/DEBIAN/postinst"
        printf "#!/bin/sh\necho hello from a local deb\n" > "$d/usr/local/bin/syscheck-hello"
        chmod 755 "$d/DEBIAN/postinst" "$d/usr/local/bin/syscheck-hello"
        dpkg-deb --build --root-owner-group "$d" /root/syscheck-hello.deb
        dpkg -i /root/syscheck-hello.deb
        dpkg -s syscheck-hello | grep "^Status:"
        cat /var/lib/syscheck-postinst
        syscheck-hello'
    expect "dpkg status" "^Status: install ok installed"
    expect "postinst" "^postinst configure"
    expect "installed program" "^hello from a local deb"
    ok "dpkg-deb built it, dpkg -i installed it, postinst ran"
}

# --- 3. users ------------------------------------------------------------------
check_useradd() {
    if grep -q '^alice:' "$R/etc/passwd"; then step "userdel (--reuse-root)" C userdel -r alice; fi
    step "useradd" C useradd -m -s /bin/bash -c "System Check" alice
    step "id alice" C /bin/sh -c 'id alice; stat -c "%U %G %a" /home/alice'
    expect "id alice" "^uid=1000\(alice\) gid=1000\(alice\)"
    expect "home" "^alice alice "
    ok "alice is uid 1000 with her home"
}
check_su() {
    step "su - alice -c id" C su - alice -c 'id; pwd; echo "shell $0"'
    expect "su" "^uid=1000\(alice\) gid=1000\(alice\) groups=1000\(alice\)$"
    expect "su -" "^/home/alice$"
    ok "su - alice ran id as alice in her home"
}
check_runuser() {
    step "runuser -u alice -- id" C runuser -u alice -- id
    expect "runuser" "^uid=1000\(alice\) gid=1000\(alice\) groups=1000\(alice\)$"
    ok "runuser ran id as alice"
}
check_chpasswd() {
    step "chpasswd" C /bin/sh -c 'echo "alice:Secr3t-pw" | chpasswd'
    step "verify the hash" C perl -e '
        open(my $f, "<", "/etc/shadow") or die "shadow: $!";
        while (<$f>) { my @x = split /:/; next unless $x[0] eq "alice";
            print "scheme ", (split /\$/, $x[1])[1], "\n";
            print crypt("Secr3t-pw", $x[1]) eq $x[1] ? "password matches\n" : "password differs\n";
            print crypt("wrong", $x[1]) eq $x[1] ? "wrong matches\n" : "wrong differs\n"; }'
    expect "chpasswd" "^password matches$"
    expect "chpasswd" "^wrong differs$"
    ok "chpasswd stored a \$$(sed -n 's/^scheme //p' <<< "$out")\$ hash that verifies"
}

# --- 4. build-essential and make -j2 ------------------------------------------------
check_build_essential() {
    step "apt-get install build-essential" C apt-get install -y --no-install-recommends build-essential
    step "gcc --version" C gcc --version
    expect "gcc" "^gcc .* 12\."
    ok "build-essential installed; $(head -1 <<< "$out")"
}
check_make() {
    step "make -j2" C /bin/sh -c 'cd /root/syscheck/cproj && make clean >/dev/null && make -j2 && make check'
    expect "make" "^sorted: 1 3 5 7 9$"
    expect "make" "^mean 5\.000 stddev 2\.828$"
    expect "make" "^emulation under gcc by built$"
    expect "make" "^fnv1a 4449310a8e807382$"
    ok "make -j2 built 3 objects with gcc, the program printed what it should"
}

# --- 5. ptys -------------------------------------------------------------------
check_script() {
    step "script -qc tty /dev/null" C script -qc tty /dev/null
    expect "script" "^/dev/pts/[0-9]+"
    ok "script gave tty a pty: $(grep -Eo '/dev/pts/[0-9]+' <<< "$out" | head -1)"
}
check_python_pty() {
    step "python3 ptys.py" C python3 /root/syscheck/ptys.py
    expect "os.openpty" "^openpty: /dev/pts True True$"
    expect "master read" "^master read: b'to master\\\\r\\\\n'$"
    expect "pty.spawn" "^spawn saw /dev/pts: True True$"
    expect "pty.spawn" "^spawn status: 3$"
    ok "os.openpty and pty.spawn work"
}

# --- 6. mounts and a nested chroot ----------------------------------------------------
check_mount() {
    step "mount/umount" C /bin/sh -c '
        set -e
        mkdir -p /mnt/t /mnt/b
        mount -t tmpfs -o size=16m tmpfs /mnt/t
        echo "on tmpfs" > /mnt/t/f
        mount --bind /mnt/t /mnt/b
        cat /mnt/b/f
        findmnt -n -o FSTYPE /mnt/b
        umount /mnt/b
        umount /mnt/t
        test ! -e /mnt/t/f && echo "unmounted"'
    expect "bind mount" "^on tmpfs$"
    expect "findmnt" "^tmpfs$"
    expect "umount" "^unmounted$"
    ok "mount -t tmpfs, mount --bind, umount"
}
check_nested_chroot() {
    step "nested chroot" C /bin/sh -c '
        set -e
        n=/srv/inner
        mkdir -p $n/usr $n/tmp $n/proc
        ln -sfn usr/bin $n/bin; ln -sfn usr/lib $n/lib
        mount --bind /usr $n/usr
        chroot $n /bin/sh -c "echo nested \$(ls / | tr \"\\n\" \" \"); /usr/bin/python3 -c \"print(6 * 7)\""
        umount $n/usr'
    expect "nested chroot" "^nested bin lib proc tmp usr"
    expect "nested chroot" "^42$"
    ok "a chroot inside the chroot runs sh and python3"
}

# --- 7. ps and pgrep ---------------------------------------------------------------
ps_probe() {
    step "ps/pgrep" C /bin/bash -c '
        sleep 1000 & p=$!
        sleep 1
        echo "ARGS: $(ps -o args= -p $p)"
        echo "COMM: $(ps -o comm= -p $p)"
        echo "PGREP-X: $(pgrep -x sleep | grep -cx $p)"
        echo "PGREP-F: $(pgrep -f "^(/usr/bin/)?sleep 1000" | grep -cx $p)"
        echo "PS-AX:"; ps ax -o args=
        kill $p'
}
check_ps() {
    ps_probe
    expect "ps -o args" "^ARGS: (/usr/bin/)?sleep 1000$"
    if grep -F -e "$DS_EMU" -e "$DS_EMU_NAME" <<< "$out" | grep -q .; then
        ok "ps ax shows the emulator: $(grep -F -e "$DS_EMU" -e "$DS_EMU_NAME" <<< "$out" | head -1 | cut -c1-100)"
        return 1
    fi
    ok "ps shows '$(sed -n 's/^ARGS: //p' <<< "$out")' and no emulator"
}
check_pgrep() {
    ps_probe
    expect "ps -o comm" "^COMM: sleep$"
    expect "pgrep -x sleep" "^PGREP-X: 1$"
    expect "pgrep -f" "^PGREP-F: 1$"
    ok "pgrep finds sleep by name and by command line"
}

# --- 8. xattrs --------------------------------------------------------------------
check_xattr_copytree() {
    step "python3 xattr_copytree.py" C python3 /root/syscheck/xattr_copytree.py
    expect "copied xattr" "^user.color = b'blue'$"
    expect "copied dir xattr" "^user.dir = b'yes'$"
    expect "removexattr" "^removed attribute: No data available$"
    expect "copytree" "^xattr copytree ok$"
    ok "user.* xattrs set, copied by shutil.copytree, read back, removed"
}
check_getfattr() {
    step "setfattr/getfattr" C /bin/sh -c 'f=/root/xattr-file; : > $f; setfattr -n user.key -v value $f && getfattr -n user.key --only-values $f && echo && getfattr -d $f'
    expect "getfattr" "^value$"
    expect "getfattr -d" '^user.key="value"$'
    ok "setfattr and getfattr round trip"
}

# --- 9. SysV IPC ------------------------------------------------------------------
check_perl_ipc() {
    step "perl ipc_sysv.pl" C perl /root/syscheck/ipc_sysv.pl
    expect "shm" "^shm: perl child was here$"
    expect "msgrcv" "^msgrcv type 2: queued two$"
    expect "semaphores" "^semaphores: 1,1$"
    expect "perl" "^perl sysv ipc ok$"
    ok "IPC::SharedMem, IPC::Semaphore and IPC::Msg across fork"
}
check_python_ipc() {
    step "python3 ipc_sysv.py" C python3 /root/syscheck/ipc_sysv.py
    expect "shm" "^shm: written by the child$"
    expect "msgrcv" "^msgrcv type 9: 9 message nine$"
    expect "semaphores" "^semaphores: 1 3$"
    expect "python" "^python sysv ipc ok$"
    ok "shmget/shmat, semget/semop, msgget/msgsnd/msgrcv through ctypes across fork"
}

# --- CPython's regression tests (optional) ---------------------------------------------
python_tests() {
    local log="$LOGS/python-tests.log" t0 rc=0
    t0=$(date +%s)
    {
        C apt-get install -y --no-install-recommends libpython3.11-testsuite
        # Pids repeat from run to run in a new pid namespace: a crashed
        # run's test_python_PID directories would be in the way.
        rm -rf "$R/root/pytests.xml" "$R"/tmp/test_python_*
        # shellcheck disable=SC2086
        timeout -k 10 $((DS_TEST_TIMEOUT * 12 + 600)) chroot "$R" /usr/bin/env -i \
            PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C TERM=dumb \
            python3 -m test -j1 --timeout "$DS_TEST_TIMEOUT" --junit-xml /root/pytests.xml $DS_PYTHON_MODULES
    } > "$log" 2>&1 || rc=$?
    echo "python-tests: regrtest exited $rc in $(( $(date +%s) - t0 )) s (log: $log)"
    python3 "$DS_HERE/debian-system/junit-summary.py" "$R/root/pytests.xml" "$log" | tee "$LOGS/python-tests.txt"
}

# --- the run ---------------------------------------------------------------------
echo "debian-system: emulator $DS_EMU, binfmt_misc flags $DS_FLAGS"
if [ -n "$DS_EXEC" ]; then
    after_second_stage
    if [ "$DS_STRACE" = 1 ]; then C QEMU_STRACE=1 /bin/sh -c "$DS_EXEC"; else C /bin/sh -c "$DS_EXEC"; fi
    exit $?
fi
if [ "$DS_REUSE_ROOT" = 1 ]; then
    echo "SKIP 1.second-stage         --reuse-root: the root is the last run's"
else
    run 1 second-stage check_second_stage
fi
after_second_stage
run 2 apt-update check_apt_update
run 2 apt-install check_apt_install
run 2 dpkg-i check_dpkg_i
run 3 useradd check_useradd
run 3 su check_su
run 3 runuser check_runuser
run 3 chpasswd check_chpasswd
run 4 build-essential check_build_essential
run 4 make-j2 check_make
run 5 script check_script
run 5 python-pty check_python_pty
run 6 mount check_mount
run 6 nested-chroot check_nested_chroot
run 7 ps check_ps
run 7 pgrep check_pgrep
run 8 xattr-copytree check_xattr_copytree
run 8 getfattr check_getfattr
run 9 perl-ipc check_perl_ipc
run 9 python-ipc check_python_ipc
if [ "$DS_PYTHON_TESTS" = 1 ]; then python_tests; fi

secs=$(( $(date +%s) - DS_START ))
[ ${#xfail[@]} -eq 0 ] || echo "expected differences under qemu: ${xfail[*]}"
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "debian-system: $n_pass passed, $n_fail failed ($DS_EMU_NAME) in $secs s"
[ ${#failed[@]} -eq 0 ]
