import Glibc
import SwiftQemuLite

// argv straight from the kernel's layout, as bytes: CommandLine.arguments
// needs /proc in a static build and decodes the strings (HostArgs.swift).
let arguments = HostArgs.capture()
if arguments.isEmpty {
    let message = "swift-qemu-lite: cannot find the command line\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
Tool.main(bytes: arguments)
