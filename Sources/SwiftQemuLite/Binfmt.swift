import Glibc

/// Registration of swift-qemu-lite with the kernel's binfmt_misc, so that
/// arm64 programs run directly (`./prog`): the kernel matches the first
/// bytes of a file against a magic and mask, and runs the registered
/// interpreter with the program's path as an argument.
///
/// The register line is Linux's (Documentation/admin-guide/binfmt-misc.rst):
/// `:name:M:offset:magic:mask:interpreter:flags`.
public enum Binfmt {
    /// The entry's name when none is given.
    public static let defaultName = "swift-qemu-lite-aarch64"
    /// Where binfmt_misc lives; systemd mounts it there too.
    public static let mountPoint = "/proc/sys/fs/binfmt_misc"
    /// Where systemd-binfmt reads registrations at boot.
    public static let binfmtDirectory = "/etc/binfmt.d"
    /// The fstab line that mounts binfmt_misc at boot without systemd.
    public static let fstabLine = "none /proc/sys/fs/binfmt_misc binfmt_misc defaults 0 0"

    /// ELF64 header bytes 0..<20 of an arm64 executable: "\x7fELF", 64-bit,
    /// little endian, version 1, then e_type ET_EXEC or ET_DYN and
    /// e_machine EM_AARCH64 (183). The same as Debian's qemu-aarch64 entry.
    public static let magic: [UInt8] = [
        0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x02, 0x00, 0xb7, 0x00,
    ]
    /// Ignores EI_OSABI (byte 7), EI_ABIVERSION and the padding are kept
    /// zero, and the low bit of e_type is masked so ET_EXEC (2) and ET_DYN
    /// (3) both match.
    public static let mask: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xff, 0xff, 0xff,
    ]

    /// binfmt_misc's flags, by their letters.
    public struct Flags: OptionSet, Equatable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// P: the kernel passes the original argv[0] as well and sets
        /// AT_FLAGS_PRESERVE_ARGV0 in the interpreter's auxv.
        public static let preserveArgv0 = Flags(rawValue: 1)
        /// O: the kernel opens the program and passes it as AT_EXECFD.
        public static let openBinary = Flags(rawValue: 2)
        /// C: credentials (setuid) from the program, not the interpreter; implies O.
        public static let credentials = Flags(rawValue: 4)
        /// F: the interpreter is opened at registration, so it works in
        /// chroots and mount namespaces where its path does not exist.
        public static let fixBinary = Flags(rawValue: 8)

        /// The letters, in the order the kernel prints them.
        public var letters: String {
            var s = ""
            if contains(.preserveArgv0) { s += "P" }
            if contains(.openBinary) || contains(.credentials) { s += "O" }
            if contains(.credentials) { s += "C" }
            if contains(.fixBinary) { s += "F" }
            return s
        }
    }

    /// One entry to register.
    public struct Registration: Equatable, Sendable {
        public var name: String
        public var interpreter: String
        public var flags: Flags

        public init(name: String = Binfmt.defaultName, interpreter: String, flags: Flags = []) {
            self.name = name
            self.interpreter = interpreter
            self.flags = flags
        }

        /// The line written to `register` and kept in /etc/binfmt.d.
        public var line: String {
            ":\(name):M::\(escape(magic)):\(escape(mask)):\(interpreter):\(flags.letters)"
        }

        /// What persist writes: a comment and the line.
        public var binfmtDFile: String {
            """
            # arm64 (AArch64) Linux programs run by swift-qemu-lite; read by systemd-binfmt at boot.
            \(line)

            """
        }

        /// Refuses what the kernel would refuse with a bare EINVAL.
        func validate() throws {
            guard !name.isEmpty, name != ".", name != "..", name != "register", name != "status",
                  !name.contains("/"), !name.contains(":") else {
                throw BinfmtError.badName(name)
            }
            guard interpreter.hasPrefix("/"), !interpreter.contains(":") else {
                throw BinfmtError.badInterpreter(interpreter, "it must be an absolute path without ':'")
            }
            guard access(interpreter, X_OK) == 0 else {
                throw BinfmtError.badInterpreter(interpreter, String(cString: strerror(errno)))
            }
        }
    }

    /// A registered entry, as its file under the mount point shows it.
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var enabled: Bool
        public var interpreter: String
        /// The flag letters, e.g. "POCF".
        public var flags: String
        /// The magic as lowercase hex digits.
        public var magic: String
        public var text: String

        /// Parses the kernel's `enabled\ninterpreter ...\nflags: ...\n...`.
        public init(name: String, text: String) {
            self.name = name
            self.text = text
            var enabled = false, interpreter = "", flags = "", magic = ""
            for line in text.split(separator: "\n") {
                if line == "enabled" { enabled = true }
                if line.hasPrefix("interpreter ") { interpreter = String(line.dropFirst(12)) }
                if line.hasPrefix("flags: ") { flags = String(line.dropFirst(7)) }
                if line.hasPrefix("magic ") { magic = String(line.dropFirst(6)) }
            }
            self.enabled = enabled
            self.interpreter = interpreter
            self.flags = flags
            self.magic = magic
        }

        /// Whether the entry matches arm64 ELF programs as ours does.
        public var matchesArm64: Bool { magic == Binfmt.magic.map { hex2($0) }.joined() }
    }

    // MARK: - Operations

    /// Mounts binfmt_misc when it is not mounted yet.
    public static func ensureMounted() throws {
        if isMounted { return }
        try requireRoot("mounting binfmt_misc")
        if mount("binfmt_misc", mountPoint, "binfmt_misc", 0, nil) != 0 {
            let e = errno
            throw BinfmtError.noBinfmtMisc("mount -t binfmt_misc binfmt_misc \(mountPoint) failed: \(String(cString: strerror(e)))")
        }
    }

    /// Whether the `register` file is there.
    public static var isMounted: Bool { access(mountPoint + "/register", F_OK) == 0 }

    /// Registers `r`, mounting binfmt_misc first when needed.
    public static func register(_ r: Registration) throws {
        try requireRoot("registering with binfmt_misc")
        try r.validate()
        try ensureMounted()
        if let old = entry(named: r.name) {
            throw BinfmtError.nameTaken(r.name, old.interpreter)
        }
        do {
            try writeFile(mountPoint + "/register", r.line)
        } catch BinfmtError.io(_, let e) where e == EEXIST {
            throw BinfmtError.nameTaken(r.name, entry(named: r.name)?.interpreter ?? "?")
        }
    }

    /// Removes the entry `name`.
    public static func unregister(name: String) throws {
        try requireRoot("unregistering from binfmt_misc")
        guard isMounted else { throw BinfmtError.notMounted }
        guard entry(named: name) != nil else { throw BinfmtError.notRegistered(name) }
        try writeFile(mountPoint + "/" + name, "-1")
    }

    /// Turns an entry off (false) or on (true) without removing it.
    public static func setEnabled(name: String, _ on: Bool) throws {
        try writeFile(mountPoint + "/" + name, on ? "1" : "0")
    }

    /// The entry `name`, or nil when there is none (or no binfmt_misc).
    public static func entry(named name: String) -> Entry? {
        guard !name.isEmpty, !name.contains("/"), let text = readFile(mountPoint + "/" + name) else { return nil }
        return Entry(name: name, text: text)
    }

    /// Every registered entry, by name.
    public static func entries() -> [Entry] {
        guard let dir = opendir(mountPoint) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let d = readdir(dir) {
            let name = withUnsafeBytes(of: d.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") || name == "register" || name == "status" { continue }
            names.append(name)
        }
        return names.sorted().compactMap { entry(named: $0) }
    }

    /// The status report for `name`: the kernel's view of the entry, and
    /// other entries that claim arm64 programs too. Returns false when the
    /// entry is not registered.
    public static func statusReport(name: String) -> (text: String, registered: Bool) {
        guard isMounted else {
            return ("binfmt_misc is not mounted at \(mountPoint); --binfmt register mounts it\n", false)
        }
        var out = ""
        let found = entry(named: name)
        if let e = found {
            out += "\(name): registered\n"
            for line in e.text.split(separator: "\n") { out += "  \(line)\n" }
        } else {
            out += "\(name): not registered\n"
        }
        let others = entries().filter { $0.name != name && $0.matchesArm64 }
        for o in others {
            out += "also for arm64: \(o.name) (\(o.enabled ? "enabled" : "disabled"), \(o.interpreter)); "
                + "the entry registered last is tried first\n"
        }
        return (out, found != nil)
    }

    /// Writes the binfmt.d file for `r`; returns its path.
    public static func writePersistent(_ r: Registration, directory: String = binfmtDirectory) throws -> String {
        try r.validate()
        let path = directory + "/" + r.name + ".conf"
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw BinfmtError.io(directory, errno)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw BinfmtError.io(path, errno) }
        defer { close(fd) }
        let bytes = Array(r.binfmtDFile.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw BinfmtError.io(path, errno) }
        return path
    }

    /// This executable's real path, the default interpreter.
    public static func selfPath() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return CommandLine.arguments.first ?? "swift-qemu-lite" }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Helpers

    static func requireRoot(_ what: String) throws {
        if geteuid() != 0 { throw BinfmtError.notRoot(what) }
    }

    static func escape(_ bytes: [UInt8]) -> String { bytes.map { "\\x" + hex2($0) }.joined() }

    static func hex2(_ b: UInt8) -> String {
        let d = Array("0123456789abcdef")
        return String([d[Int(b >> 4)], d[Int(b & 15)]])
    }

    /// One write, as binfmt_misc wants the whole line at once.
    static func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw BinfmtError.io(path, errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        if write(fd, bytes, bytes.count) != bytes.count { throw BinfmtError.io(path, errno) }
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a binfmt command failed; the description is one line.
public enum BinfmtError: Error, Equatable, CustomStringConvertible {
    case notRoot(String)
    case noBinfmtMisc(String)
    case notMounted
    case nameTaken(String, String)
    case notRegistered(String)
    case badName(String)
    case badInterpreter(String, String)
    case io(String, Int32)

    public var description: String {
        switch self {
        case .notRoot(let what): return "\(what) needs root; run it with sudo"
        case .noBinfmtMisc(let why): return "binfmt_misc is not available (is the kernel built with CONFIG_BINFMT_MISC?): \(why)"
        case .notMounted: return "binfmt_misc is not mounted at \(Binfmt.mountPoint), so nothing is registered"
        case .nameTaken(let n, let interp):
            return "a binfmt_misc entry named '\(n)' already exists (interpreter \(interp)); "
                + "remove it with --binfmt unregister --name \(n) or choose another --name"
        case .notRegistered(let n): return "no binfmt_misc entry named '\(n)'"
        case .badName(let n): return "invalid binfmt_misc name '\(n)': it must not be empty or contain '/' or ':'"
        case .badInterpreter(let p, let why): return "invalid interpreter '\(p)': \(why)"
        case .io(let path, let e):
            if e == EEXIST { return "\(path): File exists" }
            return "\(path): \(String(cString: strerror(e)))"
        }
    }
}
