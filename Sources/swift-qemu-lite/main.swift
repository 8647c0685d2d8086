import Glibc
import SwiftQemuLite

// The static build's Swift runtime reads the command line from
// /proc/self/cmdline; in a chroot without /proc it comes back empty.
if CommandLine.arguments.isEmpty {
    let message = "swift-qemu-lite: cannot read the command line: /proc is not mounted\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
Tool.main(CommandLine.arguments)
