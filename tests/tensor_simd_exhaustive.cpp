// Exhaustive proofs of the nearest-even SIMD kernels of tensor/simd.hpp and tensor/elementwise.hpp
// against the scalar core, bit for bit:
//  - simd::rn_quantize_v (quantize_run's nearest-even lanes: F16C for binary16, the float add of
//    a constant for the other formats) over every float input, for each format of 16 bits or
//    fewer that it takes: values (float out), codes, and the status flags of every SIMD block
//    (the kernel called on its own, its flags against the OR of convert_status's);
//  - the elementwise + - * in nearest even on codes (simd::ew_f16c_v for binary16 on F16C,
//    simd::ew_rn_v for bfloat16 and the 8-bit formats) over every pair of codes: values, and
//    the flags of every block (the kernel on its own, against the OR of add/sub/mul_status).
//  - fma of the 8-bit formats (ew_rn_v with round to odd) over every triple.
// [full]: every float (2^32) x 12 formats; every binary16 and bfloat16 pair (2^32) x + - *;
// every e4m3, e4m3_sat, e5m2 triple (2^24) x fma. CI: the 8-bit formats' every pair (and the
// 6-bit and 4-bit formats' every triple) in full, every 7th (a, c) of the 8-bit ones x every b;
// every 1031st float high half (all its 2^16 low halves), every 1021st first operand (all 2^16
// second operands): about a CPU-second.
// Built like tensor_simd_check (tests/compile_checks.cmake): test_tensor_simd_exhaustive_v4 /
// _v3 with FLOATLAB_EXPECT_SIMD_WIDTH; by hand also with -march=x86-64-v3 -mno-f16c (binary16
// then takes neither kernel: its cases check the general lanes and say so).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "tensor_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;
namespace D = floatlab::tensor::detail;

namespace {

using rn = round::nearest_even;

// Runs body(k) for k in [0, n) on the machine's threads (the checks are independent).
template <class Body>
void parallel_chunks(std::uint64_t n, Body body) {
  const unsigned nt = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::uint64_t> next{0};
  std::vector<std::thread> th;
  for (unsigned t = 0; t < nt; ++t)
    th.emplace_back([&] {
      for (std::uint64_t k; (k = next++) < n;) body(k);
    });
  for (auto& x : th) x.join();
}

struct tally {
  std::atomic<std::uint64_t> inputs{0}, kernel_blocks{0}, range_blocks{0}, bad{0};
};

#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
// rn_quantize_range_v (quantize_run's first kernel of the add form) on every block of W of in:
// values and codes in two calls, each block's flags against the OR of convert_status's. Adds
// its mismatches to bad; returns the blocks it took.
template <class TT>
std::uint64_t range_kernel_mismatches(const float* in, const TT* want, const std::uint32_t* wflags, std::size_t n,
                                      std::uint64_t& bad) {
  using F = typename TT::format_type;
  using namespace D::simd;
  const rn_range_consts<F> k;
  std::uint64_t blocks = 0;
  for (std::size_t i = 0; i + W <= n; i += W) {
    rn_acc av, ac;
    vf y{}, unused_y{};
    vu code{}, unused_code{};
    const bool took_v = rn_quantize_range_v<F, false>(k, load(&in[i]), y, unused_code, av);
    const bool took_c = rn_quantize_range_v<F, true>(k, load(&in[i]), unused_y, code, ac);
    bad += took_v != took_c;
    if (!took_v || !took_c) continue;  // a lane near overflow or past the add form: rn_quantize_v
    ++blocks;
    std::uint32_t fw = 0;
    for (int l = 0; l < W; ++l) {
      fw |= wflags[i + l];
      bad += !tref::same(y[l], convert<float>(want[i + l]));
      bad += code[l] != want[i + l].bits();
    }
    bad += rn_flags(av) != fw;
    bad += rn_flags(ac) != fw;
  }
  return blocks;
}
#endif

// Every float whose high half is hi * stride (all 2^16 low halves) into TT, nearest even: the
// tensor quantize (values and codes; the SIMD body and its fallback for declined blocks) and
// rn_quantize_v itself on every block of W (values, codes, flags) against convert_status.
template <class TT>
void quantize_floats(std::uint32_t stride, tally& t) {
  using F = typename TT::format_type;
  const std::uint64_t chunks = (0x10000u + stride - 1) / stride;
  parallel_chunks(chunks, [&](std::uint64_t k) {
    const std::uint32_t hi = static_cast<std::uint32_t>(k * stride);
    std::vector<float> in(0x10000u), outf(in.size());
    std::vector<TT> outc(in.size());
    std::vector<TT> want(in.size());
    std::vector<std::uint32_t> wflags(in.size());
    for (std::uint32_t lo = 0; lo < 0x10000u; ++lo) in[lo] = tref::ffrom(hi << 16 | lo);
    for (std::size_t i = 0; i < in.size(); ++i) {
      const auto r = convert_status<TT>(in[i], rn{});
      want[i] = r.value;
      wflags[i] = r.flags.flags;
    }
    std::uint64_t bad = 0, blocks = 0, range_blocks = 0;
    {
      // One thread per call (the checking threads run in parallel); status flags of the array.
      const status sf = T::quantize<TT>(in, outf, rn{});
      const status sc = T::quantize<TT>(in, outc, rn{});
      std::uint32_t all = 0;
      for (std::size_t i = 0; i < in.size(); ++i) {
        all |= wflags[i];
        bad += outc[i].bits() != want[i].bits();
        bad += !tref::same(outf[i], convert<float>(want[i]));
      }
      bad += sf.flags != all;
      bad += sc.flags != all;
    }
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    if constexpr (D::simd::rn_quantize_ok<F>) {
      using namespace D::simd;
      for (std::size_t i = 0; i < in.size(); i += W) {
        rn_acc acc;
        vf y;
        vh h;
        vu code;
        if (!rn_quantize_v<F, true>(load(&in[i]), y, h, acc, code))
          continue;  // declined (inf, NaN, huge): the general lanes above
        ++blocks;
        std::uint32_t fw = 0;
        for (int l = 0; l < W; ++l) {
          fw |= wflags[i + l];
          bad += !tref::same(y[l], convert<float>(want[i + l]));
          bad += code[l] != want[i + l].bits();
        }
        bad += rn_flags(acc) != fw;
      }
    }
    if constexpr (D::simd::rn_range_ok<F>)
      range_blocks += range_kernel_mismatches<TT>(in.data(), want.data(), wflags.data(), in.size(), bad);
#endif
    t.inputs += in.size();
    t.kernel_blocks += blocks;
    t.range_blocks += range_blocks;
    t.bad += bad;
  });
}

template <class TT>
void quantize_case(const char* name, std::uint32_t stride) {
  tally t;
  T::set_threads(1);
  quantize_floats<TT>(stride, t);
  T::set_threads(0);
  std::printf(
      "rn quantize %-9s W = %2d: %12llu floats, %10llu kernel blocks (%s), %10llu in-range blocks, %llu mismatches\n",
      name, D::simd_width, static_cast<unsigned long long>(t.inputs.load()),
      static_cast<unsigned long long>(t.kernel_blocks.load()),
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
      D::simd::rn_f16c_ok<typename TT::format_type>       ? "F16C"
      : D::simd::rn_quantize_ok<typename TT::format_type> ? "add form"
      : D::simd::rn_range_ok<typename TT::format_type>    ? "in-range only"
                                                          : "general lanes",
#else
      "scalar lanes",
#endif
      static_cast<unsigned long long>(t.range_blocks.load()), static_cast<unsigned long long>(t.bad.load()));
  INFO(name << ": " << t.inputs.load() << " floats");
  CHECK(t.bad.load() == 0);
  if (D::simd_width > 1 && stride == 1) {
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    if (D::simd::rn_quantize_ok<typename TT::format_type>) CHECK(t.kernel_blocks.load() > 0);
    if (D::simd::rn_range_ok<typename TT::format_type>) CHECK(t.range_blocks.load() > 0);
#endif
  }
}

// Every pair (a, b) with a = ka * stride, every b: the tensor op (codes in and out) against the
// scalar operators, and the kernel itself (ew_f16c_v / ew_rn_v) on every block of W second
// operands: values and flags against the _status forms.
enum class eop { add, sub, mul };
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
// One kernel block of codes against the scalar results: each lane's bits, and the block's
// flags against the union of the lanes' scalar flags.
template <class TT>
std::uint64_t block_mismatches(const std::vector<TT>& o, const TT* want, const std::uint32_t* wflags,
                               const D::simd::rn_acc& acc) {
  std::uint64_t bad = 0;
  std::uint32_t fw = 0;
  for (std::size_t l = 0; l < o.size(); ++l) {
    bad += o[l].bits() != want[l].bits();
    fw |= wflags[l];
  }
  return bad + (D::simd::rn_flags(acc) != fw);
}
#endif

// A whole row of a tensor operation against the scalar core: values, and the status's flags
// against the OR of the elements' flags.
template <class TT>
std::uint64_t row_mismatches(const std::vector<TT>& out, const std::vector<TT>& want,
                             const std::vector<std::uint32_t>& wflags, const status& st) {
  std::uint64_t bad = 0;
  std::uint32_t all = 0;
  for (std::size_t b = 0; b < out.size(); ++b) {
    bad += out[b].bits() != want[b].bits();
    all |= wflags[b];
  }
  return bad + (st.flags != all);
}

template <eop Op, class TT>
with_status<TT> scalar_status(TT a, TT b) {
  if constexpr (Op == eop::add)
    return add_status(a, b, rn{});
  else if constexpr (Op == eop::sub)
    return sub_status(a, b, rn{});
  else
    return mul_status(a, b, rn{});
}
template <eop Op, class TT>
void ew_pairs(std::uint32_t stride, tally& t) {
  using F = typename TT::format_type;
  using S = typename F::storage;
  constexpr std::uint32_t n = std::uint32_t{1} << F::total_bits;
  [[maybe_unused]] constexpr int K = Op == eop::mul ? 2 : Op == eop::sub ? 1 : 0;
  const std::uint64_t rows = (n + stride - 1) / stride;
  parallel_chunks(rows, [&](std::uint64_t k) {
    const auto ab = static_cast<std::uint32_t>(k * stride);
    std::vector<TT> va(n, TT::from_bits(static_cast<S>(ab))), vb(n), out(n), want(n);
    std::vector<std::uint32_t> wflags(n);
    for (std::uint32_t b = 0; b < n; ++b) {
      vb[b] = TT::from_bits(static_cast<S>(b));
      const auto r = scalar_status<Op, TT>(va[b], vb[b]);
      want[b] = r.value;
      wflags[b] = r.flags.flags;
    }
    status st;
    if constexpr (Op == eop::add)
      st = T::add<TT>(va, vb, out, rn{});
    else if constexpr (Op == eop::sub)
      st = T::sub<TT>(va, vb, out, rn{});
    else
      st = T::mul<TT>(va, vb, out, rn{});
    std::uint64_t bad = row_mismatches(out, want, wflags, st), blocks = 0;
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    using namespace D::simd;
    for (std::uint32_t b = 0; b + W <= n; b += W) {
      rn_acc acc;
      std::vector<TT> o(W);
      bool took = false;
#if FLOATLAB_TENSOR_SIMD_F16C
      if constexpr (rn_f16c_ok<F>) took = ew_f16c_v<K>(&va[b], &vb[b], o.data(), acc);
#endif
      if constexpr (ew_rn_ok<F>) took = ew_rn_v<K, F>(D::read_lanes(&va[b]), D::read_lanes(&vb[b]), o.data(), acc);
      if (!took) continue;
      ++blocks;
      bad += block_mismatches(o, &want[b], &wflags[b], acc);
    }
#endif
    t.inputs += n;
    t.kernel_blocks += blocks;
    t.bad += bad;
  });
}

template <class TT>
const char* ew_kernel_name() {
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  using F = typename TT::format_type;
  if constexpr (D::simd::rn_f16c_ok<F>)
    return "ew_f16c_v";
  else if constexpr (D::simd::ew_rn_ok<F>)
    return "ew_rn_v";
#endif
  return "general lanes";
}

template <class TT>
void ew_case(const char* name, std::uint32_t stride) {
  T::set_threads(1);
  const char* ops[] = {"add", "sub", "mul"};
  tally t[3];
  ew_pairs<eop::add, TT>(stride, t[0]);
  ew_pairs<eop::sub, TT>(stride, t[1]);
  ew_pairs<eop::mul, TT>(stride, t[2]);
  T::set_threads(0);
  for (int o = 0; o < 3; ++o) {
    std::printf("ew rn %-9s %s W = %2d: %12llu pairs, %10llu kernel blocks (%s), %llu mismatches\n", name, ops[o],
                D::simd_width, static_cast<unsigned long long>(t[o].inputs.load()),
                static_cast<unsigned long long>(t[o].kernel_blocks.load()), ew_kernel_name<TT>(),
                static_cast<unsigned long long>(t[o].bad.load()));
    INFO(name << " " << ops[o] << ": " << t[o].inputs.load() << " pairs");
    CHECK(t[o].bad.load() == 0);
  }
}

// One row of fma triples (va, vb, vc) with the scalar core's results and flags: the tensor fma
// against them (values and the status's flags), and ew_rn_v's K = 3 on each block of W where it
// answers.
template <class TT>
void fma_rows(const std::vector<TT>& va, const std::vector<TT>& vb, const std::vector<TT>& vc,
              const std::vector<TT>& want, const std::vector<std::uint32_t>& wflags, tally& t) {
  const auto n = static_cast<std::uint32_t>(va.size());
  std::vector<TT> out(n);
  const status st = T::fma<TT>(va, vb, vc, out, rn{});
  std::uint64_t bad = row_mismatches(out, want, wflags, st), blocks = 0;
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  using namespace D::simd;
  using F = typename TT::format_type;
  if constexpr (ew_rn_fma_ok<F>) {
    for (std::uint32_t b = 0; b + W <= n; b += W) {
      rn_acc acc;
      std::vector<TT> o(W);
      if (!ew_rn_v<3, F>(D::read_lanes(&va[b]), D::read_lanes(&vb[b]), o.data(), acc, D::read_lanes(&vc[b]))) continue;
      ++blocks;
      bad += block_mismatches(o, &want[b], &wflags[b], acc);
    }
  }
#endif
  t.inputs += n;
  t.kernel_blocks += blocks;
  t.bad += bad;
}

void report_fma(const char* name, const tally& t) {
  std::printf("ew rn %-9s fma W = %2d: %12llu triples, %10llu kernel blocks, %llu mismatches\n", name, D::simd_width,
              static_cast<unsigned long long>(t.inputs.load()), static_cast<unsigned long long>(t.kernel_blocks.load()),
              static_cast<unsigned long long>(t.bad.load()));
  INFO(name << " fma: " << t.inputs.load() << " triples");
  CHECK(t.bad.load() == 0);
}

// fma of the 8-bit formats (ew_rn_v's K = 3): rows (a, c) = every stride-th of the 2^(2 bits)
// pairs, every b; the tensor fma against fma_status, and the kernel on each block of W.
template <class TT>
void fma_case(const char* name, std::uint32_t stride) {
  using F = typename TT::format_type;
  using S = typename F::storage;
  constexpr std::uint32_t n = std::uint32_t{1} << F::total_bits;
  tally t;
  T::set_threads(1);
  parallel_chunks((n * n + stride - 1) / stride, [&](std::uint64_t k) {
    const auto ac = static_cast<std::uint32_t>(k * stride);
    const TT a = TT::from_bits(static_cast<S>(ac / n)), c = TT::from_bits(static_cast<S>(ac % n));
    std::vector<TT> va(n, a), vb(n), vc(n, c), want(n);
    std::vector<std::uint32_t> wflags(n);
    for (std::uint32_t b = 0; b < n; ++b) {
      vb[b] = TT::from_bits(static_cast<S>(b));
      const auto r = fma_status(a, vb[b], c, rn{});
      want[b] = r.value;
      wflags[b] = r.flags.flags;
    }
    fma_rows(va, vb, vc, want, wflags, t);
  });
  T::set_threads(0);
  report_fma(name, t);
}

// bfloat16 fma (ew_rn_v's K = 3 with the product range check): rows a = every stride-th code,
// and three forms: b = every code with c = a hash of (a, b) (every alignment of p and c over the
// rows) or c = -0; c = every code with b = the hash (every addend against each row's products).
template <class TT>
void fma_bf16_case(std::uint32_t stride) {
  using F = typename TT::format_type;
  using S = typename F::storage;
  constexpr std::uint32_t n = 0x10000u;
  tally t;
  T::set_threads(1);
  parallel_chunks((n + stride - 1) / stride, [&](std::uint64_t k) {
    const auto ka = static_cast<std::uint32_t>(k * stride);
    for (int form = 0; form < 3; ++form) {
      std::vector<TT> va(n, TT::from_bits(static_cast<S>(ka))), vb(n), vc(n), want(n);
      std::vector<std::uint32_t> wflags(n);
      for (std::uint32_t b = 0; b < n; ++b) {
        std::uint32_t h = (ka * 0x9E3779B1u) ^ (b * 0x85EBCA77u);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 13;
        const auto hashed = static_cast<S>(h & 0xFFFFu), every = static_cast<S>(b);
        vb[b] = TT::from_bits(form == 2 ? hashed : every);
        vc[b] = TT::from_bits(form == 0 ? hashed : form == 1 ? static_cast<S>(0x8000u) : every);
        const auto r = fma_status(va[b], vb[b], vc[b], rn{});
        want[b] = r.value;
        wflags[b] = r.flags.flags;
      }
      fma_rows(va, vb, vc, want, wflags, t);
    }
  });
  T::set_threads(0);
  report_fma("bfloat16", t);
}

// Mixed blocks (the every-float cases hold one exponent per block): n random floats whose lanes
// differ in binade, subnormal / normal / near or past overflow, ties, exact values, signs, with
// a few infinities and NaNs; quantize_run on groups of 4W (in-range kernel, rn_quantize_v and
// the general lanes in one run) and both kernels per block: codes, values, each group's and
// block's flags against convert_status.
template <class TT>
void quantize_mixed(const char* name, std::size_t n) {
  using F = typename TT::format_type;
  std::mt19937_64 rng(0x5eed14 + F::fraction_bits * 64 + F::exponent_bits);
  std::vector<float> in(n);
  // Binades from below half the smallest subnormal to the largest finite one; one lane in 16
  // one or two binades above it, one in 64 an infinity / NaN or any binade.
  const int lo = F::emin - F::fraction_bits - 3 + 127, hi = F::emax + 127;
  for (auto& x : in) {
    const std::uint64_t r = rng();
    int ei = lo + static_cast<int>((r >> 8) % static_cast<unsigned>(hi - lo + 1));
    if ((r >> 16 & 15) == 0) ei = hi + 1 + static_cast<int>(r >> 20 & 1);
    std::uint32_t e = static_cast<std::uint32_t>(std::clamp(ei, 0, 255));
    if ((r & 63) == 0) e = (r >> 6 & 1) ? 255 : static_cast<std::uint32_t>(r >> 40 & 255);
    std::uint32_t m = static_cast<std::uint32_t>(r >> 32) & 0x7FFFFFu;
    const int low = 23 - F::fraction_bits - 1;  // the bits below the format's last place, less one
    switch (r >> 61) {
      case 0: m = (m >> low >> 1 << 1 | 1) << low; break;  // a tie
      case 1: m = m >> (low + 1) << (low + 1); break;      // exact where normal
      default: break;
    }
    x = tref::ffrom(static_cast<std::uint32_t>(r >> 7 & 1) << 31 | std::min(e, 255u) << 23 | m);
  }
  std::vector<TT> want(n), outc(n);
  std::vector<float> outf(n);
  std::vector<std::uint32_t> wflags(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto q = convert_status<TT>(in[i], rn{});
    want[i] = q.value;
    wflags[i] = q.flags.flags;
  }
  std::uint64_t bad = 0, range_blocks = 0;
  const std::size_t group = 4 * static_cast<std::size_t>(D::simd_width);
  const T::counter_source src{};
  for (std::size_t g = 0; g + group <= n; g += group) {
    const std::uint32_t fc = D::quantize_run<F, rn>(&in[g], &outc[g], group, g, src, 0);
    const std::uint32_t ff = D::quantize_run<F, rn>(&in[g], &outf[g], group, g, src, 0);
    std::uint32_t fw = 0;
    for (std::size_t i = g; i < g + group; ++i) {
      fw |= wflags[i];
      bad += outc[i].bits() != want[i].bits();
      bad += !tref::same(outf[i], convert<float>(want[i]));
    }
    bad += (fc != fw) + (ff != fw);
  }
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  if constexpr (D::simd::rn_range_ok<F>)
    range_blocks = range_kernel_mismatches<TT>(in.data(), want.data(), wflags.data(), n, bad);
#endif
  std::printf("rn quantize %-9s W = %2d: %12llu mixed floats, %10llu in-range blocks, %llu mismatches\n", name,
              D::simd_width, static_cast<unsigned long long>(n), static_cast<unsigned long long>(range_blocks),
              static_cast<unsigned long long>(bad));
  INFO(name << ": " << n << " mixed floats");
  CHECK(bad == 0);
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  if constexpr (D::simd::rn_range_ok<F>) CHECK(range_blocks > 0);
#endif
}

// rn_quantize_v's eight formats and the four fnuz ones (the in-range kernel only), every stride-th
// high half x all low halves.
void quantize_every_format(std::uint32_t stride) {
  quantize_case<binary16>("binary16", stride);
  quantize_case<bfloat16>("bfloat16", stride);
  quantize_case<e4m3>("e4m3", stride);
  quantize_case<e4m3_sat>("e4m3_sat", stride);
  quantize_case<e5m2>("e5m2", stride);
  quantize_case<e3m2>("e3m2", stride);
  quantize_case<e2m3>("e2m3", stride);
  quantize_case<e2m1>("e2m1", stride);
  quantize_case<e4m3fnuz>("e4m3fnuz", stride);
  quantize_case<e5m2fnuz>("e5m2fnuz", stride);
  quantize_case<e4m3fnuz_sat>("e4m3fnuzs", stride);
  quantize_case<e5m2fnuz_sat>("e5m2fnuzs", stride);
}

}  // namespace

TEST_CASE("simd width", "[tensor][simd]") {
#ifdef FLOATLAB_EXPECT_SIMD_WIDTH
  CHECK(D::simd_width == FLOATLAB_EXPECT_SIMD_WIDTH);
#endif
  CHECK((D::simd_width == 1 || D::simd_width == 8 || D::simd_width == 16));
}

TEST_CASE("rn_quantize_v: a stride of every float (every 1031st high half x all low halves)", "[tensor][simd]") {
  quantize_every_format(1031);
}

TEST_CASE("rn_quantize_v: every float", "[tensor][simd][full]") { quantize_every_format(1); }

TEST_CASE("rn_quantize_v and rn_quantize_range_v: mixed blocks of random floats", "[tensor][simd]") {
  constexpr std::size_t n = std::size_t{1} << 18;
  quantize_mixed<binary16>("binary16", n);
  quantize_mixed<bfloat16>("bfloat16", n);
  quantize_mixed<e4m3>("e4m3", n);
  quantize_mixed<e4m3_sat>("e4m3_sat", n);
  quantize_mixed<e5m2>("e5m2", n);
  quantize_mixed<e3m2>("e3m2", n);
  quantize_mixed<e2m3>("e2m3", n);
  quantize_mixed<e2m1>("e2m1", n);
  quantize_mixed<e4m3fnuz>("e4m3fnuz", n);
  quantize_mixed<e5m2fnuz>("e5m2fnuz", n);
  quantize_mixed<e4m3fnuz_sat>("e4m3fnuzs", n);
  quantize_mixed<e5m2fnuz_sat>("e5m2fnuzs", n);
  quantize_mixed<cfloat<3, 4>>("e3m4", n);
  quantize_mixed<cfloat<6, 9>>("e6m9", n);
  quantize_mixed<cfloat<5, 10, round::nearest_even, encoding::fn_satfinite>>("e5m10sat", n);
}

TEST_CASE("elementwise + - * nearest even on codes: every pair of the 8-bit formats", "[tensor][simd]") {
  ew_case<e4m3>("e4m3", 1);
  ew_case<e4m3_sat>("e4m3_sat", 1);
  ew_case<e5m2>("e5m2", 1);
  ew_case<e3m2>("e3m2", 1);
  ew_case<e2m3>("e2m3", 1);
  ew_case<e2m1>("e2m1", 1);
}

TEST_CASE("elementwise + - * nearest even on codes: binary16 and bfloat16, every 1021st first operand x every second",
          "[tensor][simd]") {
  ew_case<binary16>("binary16", 1021);
  ew_case<bfloat16>("bfloat16", 1021);
}

TEST_CASE("elementwise + - * nearest even on codes: every binary16 and bfloat16 pair", "[tensor][simd][full]") {
  ew_case<binary16>("binary16", 1);
  ew_case<bfloat16>("bfloat16", 1);
}

TEST_CASE("elementwise fma nearest even on codes of the 8-bit formats: every 7th (a, c) x every b", "[tensor][simd]") {
  fma_case<e4m3>("e4m3", 7);
  fma_case<e4m3_sat>("e4m3_sat", 7);
  fma_case<e5m2>("e5m2", 7);
  fma_case<e3m2>("e3m2", 1);
  fma_case<e2m3>("e2m3", 1);
  fma_case<e2m1>("e2m1", 1);
}

TEST_CASE("elementwise fma nearest even on codes of the 8-bit formats: every triple", "[tensor][simd][full]") {
  fma_case<e4m3>("e4m3", 1);
  fma_case<e4m3_sat>("e4m3_sat", 1);
  fma_case<e5m2>("e5m2", 1);
}

TEST_CASE("elementwise fma nearest even on bfloat16 codes: every 1021st a x every b (c hashed, -0) and x every c",
          "[tensor][simd]") {
  fma_bf16_case<bfloat16>(1021);
}

TEST_CASE("elementwise fma nearest even on bfloat16 codes: every a x every b (c hashed, -0) and every a x every c",
          "[tensor][simd][full]") {
  fma_bf16_case<bfloat16>(1);
}
