import GuestMemory

/// A program to run, its argv, environment and sysroot, kept as the bytes
/// the kernel or the embedder gave (`CommandLine.Settings`,
/// `EmulatorConfig`).
public protocol GuestProgramText {
    var programFile: [UInt8] { get set }
    var argvBytes: [[UInt8]] { get set }
    var environmentBytes: [[UInt8]] { get set }
    var sysrootFile: [UInt8]? { get set }
}

/// The same as Swift text, for messages, embedders and tests; invalid
/// UTF-8 shows as U+FFFD there only.
extension GuestProgramText {
    public var programPath: String {
        get { programFile.displayString }
        set { programFile = newValue.bytes }
    }
    public var argv: [String] {
        get { argvBytes.map(\.displayString) }
        set { argvBytes = newValue.map(\.bytes) }
    }
    public var environment: [String] {
        get { environmentBytes.map(\.displayString) }
        set { environmentBytes = newValue.map(\.bytes) }
    }
    public var sysroot: String? {
        get { sysrootFile?.displayString }
        set { sysrootFile = newValue?.bytes }
    }
}
