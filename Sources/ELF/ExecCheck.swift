import Glibc
import GuestMemory

extension ELFLoader {
    /// `/usr/aarch64-linux-gnu` (Debian's libc6-arm64-cross), or what
    /// SWIFT_QEMU_LITE_DEFAULT_SYSROOT says (empty: none), so tests can
    /// stand for a machine without it.
    public static var standardDefaultSysroot: String? {
        if let v = getenv("SWIFT_QEMU_LITE_DEFAULT_SYSROOT") {
            let s = String(cString: v)
            return s.isEmpty ? nil : s
        }
        return "/usr/aarch64-linux-gnu"
    }

    /// Finds the dynamic loader `interp` (an absolute guest path such as
    /// /lib/ld-linux-aarch64.so.1), as qemu-aarch64 would and a bit more:
    /// under the sysroot when one is given, else on the host when the host
    /// has an arm64 one, else under `defaultSysroot`, which then becomes
    /// the sysroot of the run. `xlat(root, path)` resolves a guest path
    /// under a sysroot. A missing candidate, or a host loader for another
    /// machine, is skipped; one that exists but is no usable ELF file is
    /// `badInterpreter` (ELIBBAD, as Linux). Throws `interpreterNotFound`
    /// with every path tried. Paths are bytes, as the guest gave them.
    public static func findInterpreter(_ interp: [UInt8], sysroot: [UInt8]?, defaultSysroot: String?,
                                       xlat: ([UInt8], [UInt8]) -> [UInt8]) throws
        -> (image: ELFImage, path: [UInt8], sysroot: [UInt8]?) {
        var candidates: [([UInt8], [UInt8]?)] = []
        if let root = sysroot {
            candidates.append((xlat(root, interp), root))
            candidates.append((interp, nil))
        } else {
            candidates.append((interp, nil))
            if let root = defaultSysroot?.bytes { candidates.append((xlat(root, interp), root)) }
        }
        for (path, root) in candidates {
            do {
                return (try ELFImage.read(file: path), path, root)
            } catch let e as ELFError {
                switch e {
                case .fileNotFound, .wrongMachine, .notELF64, .notRegularFile: continue
                default: throw ELFError.badInterpreter("\(path.displayString): \(e)")
                }
            }
        }
        // Name what was looked for under the sysroot, not where its links led.
        let shown = interp.displayString
        var named: [String] = []
        if let root = sysroot?.displayString { named.append(joinSysroot(root, shown)); named.append(shown) } else {
            named.append(shown)
            if let root = defaultSysroot { named.append(joinSysroot(root, shown)) }
        }
        throw ELFError.interpreterNotFound(shown, searched: named)
    }

    static func joinSysroot(_ root: String, _ p: String) -> String {
        root.hasSuffix("/") ? String(root.dropLast()) + p : root + p
    }

    /// What loading the program at `path` would fail with, checked in this
    /// process before an execve gives the current image up: the headers,
    /// the interpreter, and every segment mapped into a scratch space of
    /// `spaceSize` bytes (mapped lazily, then dropped). nil when the
    /// program would load (or when no scratch space can be reserved: the
    /// new image then reports the error itself).
    public static func checkExec(path: [UInt8], sysroot: [UInt8]?, defaultSysroot: String?, spaceSize: UInt64,
                                 xlat: ([UInt8], [UInt8]) -> [UInt8]) -> ELFError? {
        do {
            let image = try ELFImage.read(file: path)
            var interpreter: (image: ELFImage, name: String)? = nil
            if let interp = image.interpreterPath {
                let found = try findInterpreter(interp, sysroot: sysroot, defaultSysroot: defaultSysroot, xlat: xlat)
                interpreter = (found.image, found.path.displayString)
            }
            guard let scratch = try? AddressSpace(size: spaceSize, minimumSize: spaceSize) else { return nil }
            _ = try load(image: image, name: path.displayString, interpreter: interpreter, into: scratch)
            return nil
        } catch let e as ELFError {
            return e
        } catch {
            return nil
        }
    }
}
