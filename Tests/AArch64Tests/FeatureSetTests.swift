@testable import AArch64
import XCTest

/// HWCAP, the ID registers and the decoder must tell the same story for
/// every CPU model.
final class FeatureSetTests: XCTestCase {
    /// Linux derives HWCAP from the ID registers (arch/arm64/kernel/
    /// cpufeature.c, arm64_elf_hwcaps): (register, field shift, minimum
    /// value, the feature it gives). The FP and AdvSIMD fields are signed
    /// (0xF = absent).
    static let kernelHwcaps: [(reg: Int, shift: UInt64, min: Int64, feature: FeatureSet, signed: Bool)] = [
        (isar0, 4, 2, .pmull, false), (isar0, 4, 1, .aes, false), (isar0, 8, 1, .sha1, false),
        (isar0, 12, 2, .sha512, false), (isar0, 12, 1, .sha2, false), (isar0, 16, 1, .crc32, false),
        (isar0, 20, 2, .atomics, false), (isar0, 28, 1, .asimdrdm, false), (isar0, 32, 1, .sha3, false),
        (isar0, 36, 1, .sm3, false), (isar0, 40, 1, .sm4, false), (isar0, 44, 1, .asimddp, false),
        (isar0, 48, 1, .asimdfhm, false), (isar0, 52, 1, .flagm, false), (isar0, 52, 2, .flagm2, false),
        (pfr0, 16, 0, .fp, true), (pfr0, 16, 1, .fphp, true), (pfr0, 20, 0, .asimd, true),
        (pfr0, 20, 1, .asimdhp, true), (isar1, 0, 1, .dcpop, false), (isar1, 12, 1, .jscvt, false),
        (isar1, 16, 1, .fcma, false), (isar1, 20, 1, .lrcpc, false), (isar1, 20, 2, .ilrcpc, false),
        (isar1, 32, 1, .frint, false), (isar1, 52, 1, .i8mm, false), (isar1, 0, 2, .dcpodp, false),
        (isar1, 36, 1, .sb, false), (isar1, 4, 1, .paca, false), (isar1, 24, 1, .pacg, false),
    ]
    // MRS encodings (op0:op1:CRn:CRm:op2 as the system-register field).
    static let pfr0 = 0xC020, isar0 = 0xC030, isar1 = 0xC031

    func testHwcapFollowsFromIDRegistersForEveryModel() {
        for model in CPUModel.all {
            let f = model.features
            for row in Self.kernelHwcaps {
                guard let reg = f.idRegister(row.reg, midr: model.midr) else { return XCTFail("no register") }
                var v = Int64((reg >> row.shift) & 0xF)
                if row.signed && v >= 8 { v -= 16 }
                XCTAssertEqual(v >= row.min, f.contains(row.feature),
                               "\(model.name): field \(row.shift) of \(String(row.reg, radix: 16)) vs \(row.feature)")
            }
            XCTAssertEqual(f.idRegister(0xC000, midr: model.midr), model.midr)
        }
    }

    func testModelsOfferOnlyImplementedFeatures() {
        for model in CPUModel.all {
            XCTAssertTrue(FeatureSet.implemented.isSuperset(of: model.features), model.name)
            XCTAssertEqual(model.features.hwcap | model.features.hwcap2 << 32,
                           model.features.rawValue & ~FeatureSet.hiddenMask)
        }
        XCTAssertEqual(CPUModel.max.features, .implemented)
        // qemu-aarch64 -cpu cortex-a53 reports HWCAP 0x8fb and MIDR 0x410fd034.
        let a53 = CPUModel.named("cortex-a53")!
        XCTAssertEqual(a53.features.hwcap, 0x8FB & FeatureSet.implemented.hwcap)
        XCTAssertEqual(a53.midr, 0x410F_D034)
        XCTAssertFalse(a53.features.contains(.atomics))
        XCTAssertNil(CPUModel.named("cortex-a99"))
    }

    /// Optional encodings decode for `max` and are UNDEFINED on a model
    /// without their feature; base encodings decode everywhere.
    func testDecoderHonoursTheModel() {
        let a53 = CPUModel.named("cortex-a53")!.features
        let cases: [(UInt32, FeatureSet?)] = [
            (0xF8210040, .atomics),   // ldadd x1, x0, [x2]
            (0xC8A07C41, .atomics),   // cas x0, x1, [x2]
            (0xF8BFC020, .lrcpc),     // ldapr x0, [x1]
            (0x9AC24C20, nil),        // crc32x w0, w1, x2 (needs crc32, which both have)
            (0x8B020020, nil),        // add x0, x1, x2
            (0x1E622820, nil),        // fadd d0, d1, d2
            (0x1EE24020, nil),        // fcvt s0, h1 (Armv8.0)
            (0x1EE22820, .fphp),      // fadd h0, h1, h2
            (0x4E421420, .asimdhp),   // fadd v0.8h, v1.8h, v2.8h
            (0x5F1DFC20, .asimdhp),   // fcvtzs h0, h1, #3
            (0x4F1DE420, .asimdhp),   // scvtf v0.8h, v1.8h, #3
            (0x4F03FE00, .asimdhp),   // fmov v0.8h, #1.0
            (0x4E30C820, .asimdhp),   // fmaxnmv h0, v1.8h
            (0x4E22EC20, .asimdfhm),  // fmlal v0.4s, v1.4h, v2.4h
            (0x2FB28020, .asimdfhm),  // fmlal2 v0.2s, v1.2h, v2.h[3]
        ]
        for (word, need) in cases {
            XCTAssertNotEqual(Decoder.decode(word, pc: 0x1000, features: .implemented).code, .undefined,
                              String(word, radix: 16))
            let onA53 = Decoder.decode(word, pc: 0x1000, features: a53).code
            XCTAssertEqual(onA53 == .undefined, need.map { !a53.contains($0) } ?? false, String(word, radix: 16))
        }
        XCTAssertEqual(FeatureGate.required(0x1EE22820), .fphp)  // fadd h0, h1, h2
        XCTAssertEqual(FeatureGate.required(0x4E284800), .aes)   // aese v0.16b, v0.16b
        XCTAssertNil(FeatureGate.required(0x8B020020))
    }

    /// The half-precision FCMLA/FCADD need FEAT_FCMA and FEAT_FP16.
    func testHalfPrecisionComplexNeedsBoth() {
        let half: [UInt32] = [0x6E42CC20,   // fcmla v0.8h, v1.8h, v2.8h, #90
                              0x2F625020,   // fcmla v0.4h, v1.4h, v2.h[1], #180
                              0x2E42F420]   // fcadd v0.4h, v1.4h, v2.4h, #270
        for word in half {
            XCTAssertEqual(FeatureGate.required(word), [.fcma, .asimdhp], String(word, radix: 16))
            XCTAssertNotEqual(Decoder.decode(word, pc: 0x1000, features: .implemented).code, .undefined)
            for missing in [FeatureSet.fcma, .asimdhp] {
                let features = FeatureSet.implemented.subtracting(missing)
                XCTAssertEqual(Decoder.decode(word, pc: 0x1000, features: features).code, .undefined,
                               String(word, radix: 16))
            }
        }
        XCTAssertEqual(FeatureGate.required(0x6E82CC20), .fcma)   // fcmla v0.4s, v1.4s, v2.4s, #90
        let noHalf = FeatureSet.implemented.subtracting(.asimdhp)
        XCTAssertNotEqual(Decoder.decode(0x6E82CC20, pc: 0x1000, features: noHalf).code, .undefined)
    }

    /// One or more encodings of every optional feature: UNDEFINED on the
    /// Armv8.0 models (and everywhere when not implemented), decoded on
    /// `max` when implemented. The hint-space PAuth and BTI forms are NOPs
    /// on every model, as on hardware without those features.
    static let featureWords: [(UInt32, FeatureSet, String)] = [
        (0x88DF7C20, .lor, "ldlar w0, [x1]"), (0xC8DF7C20, .lor, "ldlar x0, [x1]"),
        (0x08DF7C20, .lor, "ldlarb w0, [x1]"), (0x489F7C20, .lor, "stllrh w0, [x1]"),
        (0x889F7C20, .lor, "stllr w0, [x1]"),
        (0xF8200420, .paca, "ldraa x0, [x1]"), (0xF8A00C20, .paca, "ldrab x0, [x1]!"),
        (0xD65F0BFF, .paca, "retaa"), (0xD61F0820, .paca, "braa x1, x0"), (0xD63F083F, .paca, "blraaz x1"),
        (0xDAC10020, .paca, "pacia x0, x1"), (0xDAC11020, .paca, "autia x0, x1"),
        (0xDAC143E0, .paca, "xpaci x0"), (0x9AC23020, .pacg, "pacga x0, x1, x2"),
        (0xF8210040, .atomics, "ldadd x1, x0, [x2]"), (0xC8A07C41, .atomics, "cas x0, x1, [x2]"),
        (0x48207C82, .atomics, "casp w0, w1, w2, w3, [x4]"), (0xF8A08020, .atomics, "swpa x0, x0, [x1]"),
        (0xF8BFC020, .lrcpc, "ldapr x0, [x1]"), (0x99400020, .ilrcpc, "ldapur w0, [x1]"),
        (0x2E828420, .asimdrdm, "sqrdmlah v0.2s, v1.2s, v2.2s"),
        (0x6E82CC20, .fcma, "fcmla v0.4s, v1.4s, v2.4s, #90"), (0x1E7E0020, .jscvt, "fjcvtzs w0, d1"),
        (0x1E284020, .frint, "frint32z s0, s1"), (0x4E21E820, .frint, "frint32z v0.4s, v1.4s"),
        (0xD500401F, .flagm, "cfinv"), (0xBA0005EF, .flagm, "rmif x15, #0, #15"),
        (0x3A00082D, .flagm, "setf8 w1"), (0xD500403F, .flagm2, "xaflag"),
        (0x4E829420, .asimddp, "sdot v0.4s, v1.16b, v2.16b"), (0x4E82A420, .i8mm, "smmla v0.4s, v1.16b, v2.16b"),
        (0xCE020420, .sha3, "eor3 v0.16b, v1.16b, v2.16b, v1.16b"), (0xCE608020, .sha512, "sha512h q0, q1, v0.2d"),
        (0xCEC08420, .sm4, "sm4e v0.4s, v1.4s"), (0x1EE22820, .fphp, "fadd h0, h1, h2"),
        (0x0E22EC20, .asimdfhm, "fmlal v0.2s, v1.2h, v2.2h"),
        (0xD50B7C20, .dcpop, "dc cvap, x0"), (0xD50B7D20, .dcpodp, "dc cvadp, x0"), (0xD50330FF, .sb, "sb"),
    ]

    func testEveryOptionalEncodingFollowsTheModel() {
        for model in CPUModel.all {
            for (word, need, text) in Self.featureWords {
                XCTAssertEqual(FeatureGate.required(word), need, text)
                let undefined = Decoder.decode(word, pc: 0x1000, features: model.features).code == .undefined
                XCTAssertEqual(undefined, !model.features.contains(need), "\(model.name): \(text)")
            }
            // Not implemented, so UNDEFINED on every model, max included.
            for (word, text) in [(0x1E634020 as UInt32, "bfcvt h0, s1"), (0x2E42FC20, "bfdot v0.2s, v1.4h, v2.4h"),
                                 (0x6E42EC20, "bfmmla v0.4s, v1.8h, v2.8h"), (0x0EA16820, "bfcvtn v0.4h, v1.4s"),
                                 (0xD503413F, "msr ssbs, #1"),
                                 (0xD503403F | 0x100, "msr dit, #1"), (0xD9200C20, "stg x0, [x1], #0"),
                                 (0x25B8C000, "sve: mov z0.s, #0")] {
                XCTAssertEqual(Decoder.decode(word, pc: 0x1000, features: model.features).code, .undefined,
                               "\(model.name): \(text)")
            }
            // Hint-space PAuth and BTI: NOPs on every model.
            for (word, text) in [(0xD503233F as UInt32, "paciasp"), (0xD50323BF, "autiasp"), (0xD50320FF, "xpaclri"),
                                 (0xD503211F, "pacia1716"), (0xD503245F, "bti c"), (0xD503249F, "bti j")] {
                XCTAssertEqual(Decoder.decode(word, pc: 0x1000, features: model.features).code, .nop,
                               "\(model.name): \(text)")
            }
        }
        XCTAssertFalse(FeatureSet.implemented.contains(.paca))
        XCTAssertEqual(FeatureSet.implemented.hwcap2 & (1 << 31), 0)
    }

    /// Linux emulates MRS of the ID space for CRm 0 and 2...7 only.
    func testEmulatedIDSpace() {
        let f = FeatureSet.implemented
        XCTAssertNotNil(f.idRegister(0xC000 | 7 << 3, midr: 0))   // CRm 7
        XCTAssertNil(f.idRegister(0xC000 | 8 << 3, midr: 0))      // CRm 8
        XCTAssertNil(f.idRegister(0xC000 | 14 << 3 | 4, midr: 0)) // S3_0_C0_C14_4
        XCTAssertNil(f.idRegister(0xC000 | 1 << 3, midr: 0))      // CRm 1
    }

    func testTopByteIgnore() {
        XCTAssertEqual(TopByte.branchTarget(0x5A00_0000_0040_1000), 0x0040_1000)
        XCTAssertEqual(TopByte.branchTarget(0x1280_0000_0040_1000), 0x1280_0000_0040_1000)
        XCTAssertEqual(TopByte.untagged(0x7F00_0000_0000_1000), 0x1000)
        XCTAssertEqual(TopByte.untagged(0x3480_0000_0000_1000), 0xFF80_0000_0000_1000)
    }
}
