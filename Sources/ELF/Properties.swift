/// PT_GNU_PROPERTY, checked as Linux's parse_elf_properties does before
/// execve can no longer fail: one NT_GNU_PROPERTY_TYPE_0 note named "GNU"
/// of at most 1 KiB, properties sorted by type, each inside the note, and
/// GNU_PROPERTY_AARCH64_FEATURE_1_AND exactly 4 bytes long. Linux reads the
/// interpreter's header when there is an interpreter, else the program's.
/// The properties themselves (BTI) change nothing here: the emulator has
/// no BTI.
enum GNUProperties {
    static let noteDataMax: UInt64 = 1024
    static let ntGNUPropertyType0: UInt32 = 5
    static let aarch64Feature1And: UInt32 = 0xc000_0000
    static let align = 8

    static func check(_ image: ELFImage) throws {
        guard let ph = image.propertyHeader else { return }
        guard ph.filesz <= noteDataMax else {
            throw ELFError.badProperty("the note is \(ph.filesz) bytes, more than \(noteDataMax)")
        }
        // A short read is allowed as long as the note header and name are there.
        let data = image.source.read(ph.offset, Int(ph.filesz))
        let n = data.count
        guard n >= 12 + 4 else { throw ELFError.readFailed("the GNU property note extends beyond the end of the file") }
        let namesz = ELFImage.u32(data, 0), descsz = ELFImage.u32(data, 4), type = ELFImage.u32(data, 8)
        // strncmp(name, "GNU", n - 12): the name must be "GNU\0".
        guard type == ntGNUPropertyType0, namesz == 4, Array(data[12..<16]) == [0x47, 0x4e, 0x55, 0] else {
            throw ELFError.badProperty("not an NT_GNU_PROPERTY_TYPE_0 note named GNU")
        }
        var off = 16
        guard UInt64(descsz) <= UInt64(n - off) else { throw ELFError.badProperty("its descriptor is larger than the note") }
        let end = off + Int(descsz)
        var prevType: UInt32? = nil
        while off != end {
            guard end - off >= 8 else { throw ELFError.badProperty("a property header is cut short") }
            let prType = ELFImage.u32(data, off), prDatasz = ELFImage.u32(data, off + 4)
            off += 8
            let left = UInt64(end - off)
            guard UInt64(prDatasz) <= left else { throw ELFError.badProperty("a property is larger than the note") }
            let step = (UInt64(prDatasz) + UInt64(align - 1)) & ~UInt64(align - 1)
            guard step <= left else { throw ELFError.badProperty("a property's padding runs past the note") }
            if let p = prevType, prType <= p { throw ELFError.badProperty("properties are not sorted by type") }
            prevType = prType
            if prType == aarch64Feature1And && prDatasz != 4 {
                throw ELFError.badProperty("GNU_PROPERTY_AARCH64_FEATURE_1_AND of \(prDatasz) bytes, expected 4")
            }
            off += Int(step)
        }
    }
}
