import Glibc

// MARK: - Before the Swift runtime starts
//
// The emulator must start where neither /proc nor its own file is visible
// (a chroot, with binfmt_misc's F flag). Two things in the Swift runtime's
// start-up need /proc in a static build:
//
// - CommandLine.arguments: on Linux the runtime looks for argv by finding
//   the stack in /proc/self/maps (CommandLineSupport/CommandLine.cpp);
//   without it the arguments are empty.
// - The crash backtracer: its initializer (runtime/Backtrace.cpp) always
//   looks for the swift-backtrace program next to the runtime, and the
//   runtime's own path comes from dladdr, which in a static executable
//   without /proc fails: "Unable to obtain Swift runtime path", abort.
//   SWIFT_ROOT, when set, replaces that lookup (runtime/Paths.cpp).
//
// A function in .preinit_array runs before every initializer, and glibc
// passes it argc, argv and envp. It hands argv to the runtime's own
// override and, when /proc/self/exe cannot be opened and the user did not
// set SWIFT_ROOT, sets SWIFT_ROOT to a directory that cannot exist, so the
// backtracer finds no swift-backtrace and stays off. That variable goes
// into a new environ array; the guest's environment is read from the
// kernel's envp, just after argv (HostArgs.swift), so the guest never
// sees it.

@_silgen_name("_swift_stdlib_overrideUnsafeArgvArgc")
func swiftOverrideArgv(_ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ argc: Int32)

typealias PreinitFunction = @convention(c) (Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                                            UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Void

@used @section(".preinit_array")
let emulatorPreinit: PreinitFunction = { argc, argv, _ in
    swiftOverrideArgv(argv, argc)
    // C strings from static text: no Swift String before the runtime starts.
    func c(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }
    if getenv(c("SWIFT_ROOT")) == nil && access(c("/proc/self/exe"), F_OK) != 0 {
        setenv(c("SWIFT_ROOT"), c("/dev/null/no-swift-root/"), 0)
    }
}
