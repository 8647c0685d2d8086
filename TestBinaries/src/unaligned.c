/* Unaligned 2-, 4-, 8- and 16-byte loads and stores: packed structs,
 * memcpy through char buffers at every odd offset, and vector-sized
 * copies that the compiler turns into LDR/STR of Q registers. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

static volatile int vzero = 0;

struct __attribute__((packed)) record {
    uint8_t tag;
    uint16_t h;
    uint32_t w;
    uint64_t d;
    double f;
    unsigned __int128 q;
    uint8_t tail;
};

static unsigned long long mix(unsigned long long h, unsigned long long v)
{
    return (h ^ v) * 0x100000001b3ULL;
}

int main(void)
{
    printf("sizeof record %zu\n", sizeof(struct record));
    static unsigned char raw[256];
    for (int i = 0; i < 256; i++)
        raw[i] = (unsigned char)(i * 151 + 7);

    unsigned long long h = 0xcbf29ce484222325ULL;
    for (int off = 0 + vzero; off < 32; off++) {
        uint16_t v16;
        uint32_t v32;
        uint64_t v64;
        unsigned __int128 v128;
        memcpy(&v16, raw + off, 2);
        memcpy(&v32, raw + off, 4);
        memcpy(&v64, raw + off, 8);
        memcpy(&v128, raw + off, 16);
        printf("off %2d %04x %08x %016llx %016llx%016llx\n", off, v16, v32, (unsigned long long)v64,
               (unsigned long long)(v128 >> 64), (unsigned long long)v128);
        h = mix(h, v16);
        h = mix(h, v32);
        h = mix(h, v64);
    }

    /* Stores at odd offsets, then read back byte by byte. */
    unsigned char buf[64];
    for (int off = 0 + vzero; off < 17; off++) {
        memset(buf, 0xee, sizeof buf);
        uint16_t v16 = (uint16_t)(0xa1b2 + off);
        uint32_t v32 = 0xc3d4e5f6u + (uint32_t)off;
        uint64_t v64 = 0x0102030405060708ULL * (uint64_t)(off + 1);
        unsigned __int128 v128 = ((unsigned __int128)v64 << 64) | ~v64;
        memcpy(buf + off, &v16, 2);
        memcpy(buf + off + 2, &v32, 4);
        memcpy(buf + off + 6, &v64, 8);
        memcpy(buf + off + 14, &v128, 16);
        printf("store %2d ", off);
        for (int i = 0; i < 48; i++)
            printf("%02x", buf[i]);
        printf("\n");
    }

    /* Packed struct fields sit at odd addresses. */
    static struct record recs[5];
    for (int i = 0; i < 5; i++) {
        struct record *r = &recs[i];
        r->tag = (uint8_t)(i + vzero);
        r->h = (uint16_t)(0x1234 * (i + 1));
        r->w = 0x89abcdefu ^ (uint32_t)(i * 0x1111);
        r->d = 0x0f1e2d3c4b5a6978ULL + (uint64_t)i * 0x1000000001ULL;
        r->f = 1.25 * (i + 1) + vzero;
        r->q = ((unsigned __int128)r->d << 64) | r->w;
        r->tail = 0xa5;
    }
    for (int i = 0; i < 5; i++) {
        struct record *r = &recs[i];
        r->h += 1;
        r->w *= 3;
        r->d = ~r->d;
        r->f = r->f * r->f;
        r->q += r->q >> 3;
        printf("rec %d %u %04x %08x %016llx %.6f %016llx%016llx %x\n", i, r->tag, r->h, r->w,
               (unsigned long long)r->d, r->f, (unsigned long long)(r->q >> 64), (unsigned long long)r->q,
               r->tail);
    }
    const unsigned char *bytes = (const unsigned char *)recs;
    for (size_t i = 0; i < sizeof recs; i++)
        h = mix(h, bytes[i]);

    /* Pointer casts into a char buffer at odd offsets (GCC accepts these
     * via may_alias types; AArch64 allows unaligned normal accesses). */
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64u;
    typedef uint32_t __attribute__((aligned(1), may_alias)) u32u;
    typedef uint16_t __attribute__((aligned(1), may_alias)) u16u;
    typedef double __attribute__((aligned(1), may_alias)) f64u;
    static unsigned char area[128];
    for (int off = 1 + vzero; off < 40; off += 3) {
        *(u64u *)(area + off) = 0x1122334455667788ULL + (uint64_t)off;
        *(u32u *)(area + off + 8) = 0x99aabbccu - (uint32_t)off;
        *(u16u *)(area + off + 12) = (uint16_t)(0xddee + off);
        *(f64u *)(area + off + 14) = 0.1 * off;
        h = mix(h, *(u64u *)(area + off + 1));
        h = mix(h, *(u32u *)(area + off + 3));
        h = mix(h, *(u16u *)(area + off + 5));
        double d = *(f64u *)(area + off + 14);
        printf("cast %2d %.17g %016llx\n", off, d, (unsigned long long)*(u64u *)(area + off + 7));
    }

    /* 16-byte struct copies at odd offsets, normally LDP/STP or Q loads. */
    struct pair { uint64_t a, b; } p;
    for (int off = 0 + vzero; off < 16; off++) {
        memcpy(&p, raw + off + 100, sizeof p);
        memcpy(area + off, &p, sizeof p);
        h = mix(h, p.a ^ p.b);
        h = mix(h, area[off + 15]);
    }
    printf("hash %016llx\n", h);
    return 0;
}
