import GuestMemory

/// What the loader placed in guest memory.
public struct LoadedProgram: Sendable {
    /// Where execution starts (the interpreter's entry when there is one).
    public var entry: UInt64
    /// The program's own entry (AT_ENTRY).
    public var programEntry: UInt64
    public var phdrAddr: UInt64
    public var phnum: UInt64
    public var phent: UInt64
    /// Load bias of the interpreter (AT_BASE), 0 without one.
    public var interpBase: UInt64
    /// First byte after the highest segment, page aligned: brk starts here.
    public var brkStart: UInt64

    public init(entry: UInt64, programEntry: UInt64, phdrAddr: UInt64, phnum: UInt64, phent: UInt64, interpBase: UInt64, brkStart: UInt64) {
        self.entry = entry
        self.programEntry = programEntry
        self.phdrAddr = phdrAddr
        self.phnum = phnum
        self.phent = phent
        self.interpBase = interpBase
        self.brkStart = brkStart
    }
}
