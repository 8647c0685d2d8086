import Foundation

/// One run recorded from qemu-aarch64 by TestBinaries/record.sh.
struct RecordedCase {
    /// File name stem in TestBinaries/expected, e.g. `printf.glibc-O2` or
    /// `exitcodes.musl-O2@segv`.
    var name: String
    /// The program's file name in TestBinaries/bin.
    var binary: String
    /// Arguments after the program path.
    var arguments: [String]
    var stdout: Data
    var status: Status
    /// qemu's standard error, recorded only for deaths by a signal.
    var stderr: Data?

    /// The source program: `printf` for `printf.glibc-O2`.
    var program: String { String(binary.prefix { $0 != "." }) }

    static func loadAll() throws -> [RecordedCase] {
        let fm = FileManager.default
        guard let files = try? fm.contentsOfDirectory(atPath: Paths.expected.path) else {
            throw HarnessError("no recorded outputs at \(Paths.expected.path); run TestBinaries/record.sh")
        }
        return try files.filter { $0.hasSuffix(".argv") }.sorted().map { file in
            try load(String(file.dropLast(".argv".count)))
        }
    }

    static func load(_ name: String) throws -> RecordedCase {
        func url(_ ext: String) -> URL { Paths.expected.appendingPathComponent(name + ext) }
        func read(_ ext: String) throws -> Data {
            do { return try Data(contentsOf: url(ext)) } catch {
                throw HarnessError("cannot read \(url(ext).path): \(error)")
            }
        }
        // One line per argument; every line ends in "\n", so an empty
        // argument is an empty line.
        var argv = Compare.lines(try read(".argv"))
        guard argv.last == "", argv.count >= 2 else {
            throw HarnessError("\(name).argv: expected the program name and arguments, one per line")
        }
        argv.removeLast()
        let statusText = String(decoding: try read(".status"), as: UTF8.self)
        guard let status = Status(recorded: statusText) else {
            throw HarnessError("\(name).status: cannot parse \(statusText.debugDescription)")
        }
        let stderr = FileManager.default.fileExists(atPath: url(".stderr").path) ? try read(".stderr") : nil
        return RecordedCase(name: name, binary: argv[0], arguments: Array(argv.dropFirst()),
                            stdout: try read(".stdout"), status: status, stderr: stderr)
    }

    /// The environment every case runs with, NAME=value per line.
    static func environment() throws -> [String: String] {
        let url = Paths.expected.appendingPathComponent("environment")
        guard let data = try? Data(contentsOf: url) else {
            throw HarnessError("cannot read \(url.path); run TestBinaries/record.sh")
        }
        var env: [String: String] = [:]
        for line in Compare.lines(data) where !line.isEmpty {
            guard let eq = line.firstIndex(of: "=") else {
                throw HarnessError("\(url.path): no '=' in \(line.debugDescription)")
            }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return env
    }
}
