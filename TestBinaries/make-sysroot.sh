#!/usr/bin/env bash
# Copies the few arm64 shared libraries the dynamically linked test
# programs (bin/*.glibc-dyn) need from Debian's cross libc into sysroot/,
# so `swift test` can run them with `-L TestBinaries/sysroot` on machines
# without /usr/aarch64-linux-gnu (CI has no cross toolchain).
#
# Needs: libc6-arm64-cross, libstdc++6-arm64-cross, libgcc-s1-arm64-cross.
# The package versions go into sysroot/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
from="${CROSS_SYSROOT:-/usr/aarch64-linux-gnu}"
to="$here/sysroot"
LIBS=(ld-linux-aarch64.so.1 libc.so.6 libm.so.6 libstdc++.so.6 libgcc_s.so.1)
PACKAGES=(libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)

rm -rf "$to/lib"
mkdir -p "$to/lib"
for lib in "${LIBS[@]}"; do
    # Symbolic links (libstdc++.so.6 -> libstdc++.so.6.0.30) become plain
    # files under the name the programs ask for.
    cp -L "$from/lib/$lib" "$to/lib/$lib"
    chmod 755 "$to/lib/$lib"
done

{
    echo "# A minimal arm64 sysroot for the test programs"
    echo
    echo "Made by \`../make-sysroot.sh\` from Debian 12's cross-compilation packages"
    echo "(files of \`$from/lib\`), for the dynamically linked programs"
    echo "\`../bin/*.glibc-dyn\`, which the integration tests run with"
    echo "\`-L TestBinaries/sysroot\`. The guest asks for \`/lib/ld-linux-aarch64.so.1\`"
    echo "and finds it here; the loader then finds the libraries in \`/lib\`,"
    echo "which the emulator also looks up here first."
    echo
    echo "| file | bytes |"
    echo "| --- | ---: |"
    for lib in "${LIBS[@]}"; do echo "| lib/$lib | $(stat -c %s "$to/lib/$lib") |"; done
    echo
    echo "Debian packages (source: \`apt-get source\` of the packages named; GNU"
    echo "libc is LGPL-2.1+, libstdc++ and libgcc_s are GPL-3+ with the GCC"
    echo "Runtime Library Exception, both freely redistributable with their"
    echo "source available from Debian):"
    echo
    for p in "${PACKAGES[@]}"; do
        echo "- $p $(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || echo '(version unknown)')"
    done
} > "$to/README.md"
du -sh "$to"
