// tests/support/mma_cases.hpp: the operands of the tensor-core probe (one mma.sync m16n8k16:
// A 16 x 16, B 16 x 8, C 16 x 8), generated from a seed, so that the H200's recorded outputs
// (tests/data/sm90_mma_h200.bin) and the GPU test (tests/cuda/tensor_kernels.cu) regenerate
// the same inputs. Classes: 0 wide exponents, 1 narrow exponents with exact cancellations,
// 2 subnormal inputs and c, 3 c = +-0, 4 sums near the top of the range (bfloat16: overflow of
// binary32), 5 (GPU test only) infinities, NaNs and zeros among class 4's values. fmt 0:
// binary16, 1: bfloat16.
#pragma once
#include <cstdint>
#include <cstring>
namespace floatlab_test {
struct mma_gen {
  uint64_t s;
  explicit mma_gen(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 12345) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t u32() { return uint32_t(next() >> 32); }
  int range(int lo, int hi) { return lo + int(u32() % uint32_t(hi - lo + 1)); }
};
// class c: 0 wide exponents, 1 narrow (cancellation), 2 subnormal-heavy, 3 C=0 & mixed, 4 near-overflow of fp32 sum
// fmt: 0 fp16, 1 bf16. Returns 16-bit pattern.
inline uint16_t gen_in(mma_gen& g, int fmt, int cls) {
  uint32_t r = g.u32();
  if (cls == 5) {  // special values among large finite ones
    const uint32_t pick = (r >> 8) % 64;
    const uint16_t sgn = uint16_t((r & 1u) << 15);
    if (pick == 0) return uint16_t(sgn | (fmt == 0 ? 0x7C00 : 0x7F80));  // inf
    if (pick == 1) return uint16_t(fmt == 0 ? 0x7E00 : 0x7FC0);          // NaN
    if (pick < 6) return sgn;                                            // zero
    cls = 4;
  }
  uint16_t sign = uint16_t((r & 1u) << 15);
  if ((r >> 1) % 23 == 0) return sign;  // zeros
  if (fmt == 0) {
    int e;
    if (cls == 0)
      e = g.range(1, 30);
    else if (cls == 1)
      e = g.range(13, 17);
    else if (cls == 2)
      e = g.range(0, 4);
    else if (cls == 3)
      e = g.range(0, 30);
    else
      e = g.range(26, 30);
    uint16_t m = uint16_t(g.u32() & 0x3FF);
    if (cls == 1 && (g.u32() & 3) == 0) m &= 0x3F0;
    return uint16_t(sign | (e << 10) | m);
  } else {
    int e;
    if (cls == 0)
      e = g.range(127 - 30, 127 + 30);
    else if (cls == 1)
      e = g.range(125, 129);
    else if (cls == 2)
      e = g.range(0, 6);
    else if (cls == 3)
      e = g.range(1, 254 - 130);
    else
      e = g.range(127 + 55, 127 + 63);
    uint16_t m = uint16_t(g.u32() & 0x7F);
    return uint16_t(sign | (e << 7) | m);
  }
}
inline float bits_f(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
inline uint32_t gen_c(mma_gen& g, int fmt, int cls) {
  uint32_t r = g.u32();
  if (cls == 5) {
    const uint32_t pick = (r >> 8) % 32;
    if (pick == 0) return ((r & 1u) << 31) | 0x7F800000u;
    if (pick == 1) return 0x7FC00000u;
    cls = 4;
  }
  uint32_t sign = (r & 1u) << 31;
  int sel = (r >> 1) % 8;
  if (cls == 3 || sel == 0) return sign * ((r >> 5) & 1);  // +-0 / +0
  int e;
  if (fmt == 0) {
    if (cls == 0)
      e = g.range(127 - 30, 127 + 32);
    else if (cls == 1)
      e = g.range(125, 131);
    else if (cls == 2)
      e = (sel == 1) ? 0 : g.range(127 - 40, 127 - 20);
    else
      e = g.range(127 + 30, 127 + 33);
  } else {
    if (cls == 0)
      e = g.range(127 - 60, 127 + 62);
    else if (cls == 1)
      e = g.range(125, 131);
    else if (cls == 2)
      e = (sel == 1) ? 0 : g.range(1, 20);
    else
      e = g.range(254 - 3, 254);
  }
  return sign | (uint32_t(e) << 23) | (g.u32() & 0x7FFFFF);
}
// One test = one m16n8k16 mma: A 16x16 (row-major [i][k]), B 16x8 ([k][j]), C 16x8 ([i][j]).
struct mma_case {
  uint16_t a[16][16];
  uint16_t b[16][8];
  uint32_t c[16][8];
};
inline void gen_case(uint64_t seed, int fmt, int cls, mma_case& t) {
  mma_gen g(seed);
  for (auto& row : t.a)
    for (auto& v : row) v = gen_in(g, fmt, cls);
  for (auto& row : t.b)
    for (auto& v : row) v = gen_in(g, fmt, cls);
  for (auto& row : t.c)
    for (auto& v : row) v = gen_c(g, fmt, cls);
  if (cls == 1) {  // exact cancellation patterns: B column 0 mirrors A row 0 negated in half the k
    for (int k = 0; k < 8; ++k) {
      t.b[2 * k + 1][0] = t.b[2 * k][0];
      t.a[0][2 * k + 1] = uint16_t(t.a[0][2 * k] ^ 0x8000);
    }
  }
}
}  // namespace floatlab_test
