import Glibc

// MARK: - Byte strings
//
// Linux file names, argv and environment strings are bytes, not text: any
// byte but NUL (and '/' in a name) may appear, in no particular encoding.
// A Swift String would rewrite invalid UTF-8 as U+FFFD and compare
// canonically equivalent names (NFC and NFD) as equal, so every guest
// string stays a [UInt8] (without its NUL) from guest memory to the host
// syscall and back. Only text meant for a person (strace, messages) is
// decoded, with `displayString`.

extension Array where Element == UInt8 {
    /// The bytes of a NUL-terminated C string.
    public init(cString p: UnsafePointer<CChar>) {
        let n = strlen(p)
        self = p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    /// Runs `body` with the bytes as a NUL-terminated C string. Bytes after
    /// an embedded NUL are not seen by the callee, as in C.
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var z = self
        z.append(0)
        return try z.withUnsafeBufferPointer { buf in
            try buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { try body($0) }
        }
    }

    /// True when the bytes start with `prefix`.
    public func hasPrefix(_ prefix: [UInt8]) -> Bool {
        count >= prefix.count && self[0..<prefix.count].elementsEqual(prefix)
    }

    /// The text, for messages and traces only: invalid UTF-8 shows as U+FFFD.
    public var displayString: String { String(decoding: self, as: UTF8.self) }

    /// The last component of a path ("" for "/" or an empty path).
    public var pathBasename: [UInt8] {
        var end = endIndex
        while end > startIndex && self[end - 1] == 0x2f { end -= 1 }
        var start = end
        while start > startIndex && self[start - 1] != 0x2f { start -= 1 }
        return Array(self[start..<end])
    }
}

extension String {
    /// The UTF-8 bytes of a Swift string (text given by the embedder or a
    /// test, which is valid UTF-8 by construction).
    public var bytes: [UInt8] { Array(utf8) }
}
