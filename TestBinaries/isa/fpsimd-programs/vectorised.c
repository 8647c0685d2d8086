#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <arm_neon.h>
#define N 1003
uint8_t a8[N], b8[N], c8[N]; int16_t a16[N], b16[N]; int32_t a32[N], b32[N]; int64_t a64[N];
float fa[N], fb[N]; double da[N], db[N];
__attribute__((noinline)) uint32_t hash(const void *p, size_t n) { const uint8_t *q = p; uint32_t h = 2166136261u; for (size_t i = 0; i < n; i++) h = (h ^ q[i]) * 16777619u; return h; }
int main(void) {
    for (int i = 0; i < N; i++) { a8[i] = i * 37; b8[i] = i * 11 + 5; a16[i] = i * 1234 - 30000; b16[i] = -i * 77; a32[i] = i * 123457 - 1000000; b32[i] = i ^ 0x5555; a64[i] = (int64_t)i * 0x123456789LL; fa[i] = i * 0.37f - 100.0f; fb[i] = 1.0f / (i + 1); da[i] = i * 1.1 - 300; db[i] = 1.0 / (i + 3); }
    for (int i = 0; i < N; i++) c8[i] = (a8[i] > b8[i] ? a8[i] - b8[i] : b8[i] - a8[i]) + (a8[i] >> 3);
    for (int i = 0; i < N; i++) a16[i] = (a16[i] * b16[i]) >> 4;
    for (int i = 0; i < N; i++) a32[i] = a32[i] * 3 + (b32[i] << 2) - (a32[i] > 0 ? 7 : -7);
    for (int i = 0; i < N; i++) a64[i] += a64[i] >> 7;
    for (int i = 0; i < N; i++) fa[i] = fa[i] * fb[i] + (fa[i] < 0 ? -fa[i] : fa[i]);
    for (int i = 0; i < N; i++) da[i] = da[i] * db[i] + da[i] / 7.0;
    int64_t s = 0; for (int i = 0; i < N; i++) s += a8[i] * (int)b8[i];
    float fs = 0; for (int i = 0; i < N; i++) fs += fa[i];
    int32_t mx = 0; for (int i = 0; i < N; i++) mx = mx > a32[i] ? mx : a32[i];
    for (int i = 0; i < N; i++) b32[i] = (int32_t)(fa[i] * 100.0f) + (int32_t)da[i];
    for (int i = 0; i < N; i++) fb[i] = (float)a32[i] * 0.5f + (float)da[i];
    printf("%08x %08x %08x %08x %08x %08x %08x %08x\n", hash(c8, N), hash(a16, sizeof a16), hash(a32, sizeof a32), hash(a64, sizeof a64), hash(fa, sizeof fa), hash(da, sizeof da), hash(b32, sizeof b32), hash(fb, sizeof fb));
    printf("%lld %.9g %d\n", (long long)s, fs, mx);
    uint8x16_t t = vld1q_u8(a8), idx = vld1q_u8(b8);
    uint8x16_t r1 = vqtbl1q_u8(t, vandq_u8(idx, vdupq_n_u8(31)));
    uint8x16x3_t l3 = vld3q_u8(a8 + 7); uint8x16x4_t l4 = vld4q_u8(b8 + 3);
    uint8_t out[256]; vst4q_u8(out, l4); vst3q_u8(out + 64, l3); vst1q_u8(out + 112, r1);
    uint16x8_t w = vmull_u8(vget_low_u8(t), vget_high_u8(idx)); vst1q_u16((uint16_t *)(out + 128), w);
    float32x4_t fv = vld1q_f32(fa); fv = vrsqrteq_f32(vabsq_f32(fv)); vst1q_f32((float *)(out + 144), fv);
    int32x4_t iv = vcvtq_s32_f32(vmulq_n_f32(vld1q_f32(fb + 10), 1000.0f)); vst1q_s32((int32_t *)(out + 160), iv);
    uint32_t v32 = vaddvq_u32(vld1q_u32((uint32_t *)a32)); int16_t mn = vminvq_s16(vld1q_s16(a16 + 8));
    uint8x8_t n8 = vqmovn_u16(vld1q_u16((uint16_t *)b16)); vst1_u8(out + 176, n8);
    float64x2_t dv = vld1q_f64(da + 4); dv = vfmaq_f64(dv, dv, vdupq_n_f64(1.5)); vst1q_f64((double *)(out + 184), dv);
    printf("%08x %u %d\n", hash(out, 200), v32, mn);
    return 0;
}
