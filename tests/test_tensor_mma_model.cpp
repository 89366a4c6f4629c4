// The Hopper tensor-core model (tensor/mma_model.hpp) against the H200's own outputs, and
// tensor::gemm's chunked<L, sm90_mma> against them: tests/data/sm90_mma_h200.bin holds D of
// mma.sync.m16n8k16.row.col.f32.{f16,bf16} on the device machine (December 2026) for 16 cases
// of each operand class and format of tests/support/mma_cases.hpp (the full 2 x 1,310,720 dot
// products ran on the device: 0 mismatches; tests/cuda/tensor_kernels.cu repeats that there).
// The model's IEEE flags (which the hardware does not raise) against gref::mma_block_ref, the
// model restated in binary64 arithmetic (tests/gemm_ref.hpp), per block and through gemm.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

#include "floatlab/cfloat.hpp"
#include "floatlab/tensor/gemm.hpp"
#include "gemm_ref.hpp"
#include "support/mma_cases.hpp"

using namespace floatlab;
using floatlab_test::gen_case;
using floatlab_test::mma_case;

namespace {

constexpr int cases_per_class = 16, classes = 5, probe_per_class = 2048;

std::vector<std::uint32_t> recorded() {
  std::vector<std::uint32_t> d(std::size_t{2} * classes * cases_per_class * 128);
  std::FILE* f = std::fopen(FLOATLAB_TEST_DATA_DIR "/sm90_mma_h200.bin", "rb");
  REQUIRE(f != nullptr);
  const std::size_t got = std::fread(d.data(), 4, d.size(), f);
  std::fclose(f);
  REQUIRE(got == d.size());
  return d;
}

// Case t of class cls and format fmt, as the probe generated it.
mma_case probe_case(int fmt, int cls, int t) {
  mma_case c;
  gen_case(std::uint64_t(cls * probe_per_class + t) + 1000003ull * fmt, fmt, cls, c);
  return c;
}

template <class T>
detail::unpacked unpack16(std::uint16_t bits) {
  return detail::unpack<typename T::format_type>(bits);
}

template <class T>
std::uint32_t model_dot(const mma_case& c, int i, int j) {
  detail::unpacked a[16], b[16];
  for (int k = 0; k < 16; ++k) a[k] = unpack16<T>(c.a[i][k]), b[k] = unpack16<T>(c.b[k][j]);
  return tensor::detail::sm90_mma_block<T::format_type::fraction_bits>(a, b, 16, c.c[i][j]);
}

template <class T>
void check_format(int fmt) {
  const auto d = recorded();
  long mismatches = 0, count = 0;
  for (int cls = 0; cls < classes; ++cls)
    for (int t = 0; t < cases_per_class; ++t) {
      const mma_case c = probe_case(fmt, cls, t);
      const std::uint32_t* hw = &d[((std::size_t(fmt) * classes + cls) * cases_per_class + t) * 128];
      for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 8; ++j, ++count)
          if (model_dot<T>(c, i, j) != hw[i * 8 + j]) ++mismatches;
    }
  CHECK(count == classes * cases_per_class * 128);
  CHECK(mismatches == 0);
}

// tensor::gemm with chunked<16, sm90_mma>, beta = 0, on the class of zero c: one block per
// output, which the H200 computed with c = +-0 (no term): D of the device. Catches the k
// order, the layout and the wiring of the model into the GEMM.
template <class T>
void check_gemm(int fmt) {
  const auto d = recorded();
  using R = tensor::gemm_recipe<T, binary32, binary32, tensor::chunked<16, tensor::sm90_mma>>;
  long mismatches = 0;
  for (int t = 0; t < cases_per_class; ++t) {
    const mma_case c = probe_case(fmt, 3, t);
    std::vector<T> a(16 * 16), b(16 * 8);
    for (int i = 0; i < 16; ++i)
      for (int k = 0; k < 16; ++k) a[i * 16 + k] = T::from_bits(c.a[i][k]);
    for (int k = 0; k < 16; ++k)
      for (int j = 0; j < 8; ++j) b[k * 8 + j] = T::from_bits(c.b[k][j]);
    std::vector<float> out(16 * 8, -1.0f);
    tensor::gemm_shape s;
    s.m = 16, s.n = 8, s.k = 16;
    REQUIRE(tensor::gemm<R>(s, a, b, out).ok());
    const std::uint32_t* hw = &d[((std::size_t(fmt) * classes + 3) * cases_per_class + t) * 128];
    for (int i = 0; i < 128; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, &out[i], 4);
      if (bits != hw[i]) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("sm90 tensor-core model equals the H200's mma.sync outputs: binary16", "[tensor][mma]") {
  check_format<binary16>(0);
}
TEST_CASE("sm90 tensor-core model equals the H200's mma.sync outputs: bfloat16", "[tensor][mma]") {
  check_format<bfloat16>(1);
}
TEST_CASE("gemm chunked<16, sm90_mma> equals the H200's outputs (zero c)", "[tensor][mma]") {
  check_gemm<binary16>(0);
  check_gemm<bfloat16>(1);
}
TEST_CASE("sm90 model: special values and the rejected alignment widths", "[tensor][mma]") {
  using tensor::detail::sm90_mma_block;
  auto u = [](double x) { return unpack16<binary16>(binary16(x).bits()); };
  detail::unpacked a[2] = {u(1.0), u(65504.0)}, b[2] = {u(1.0), u(65504.0)};
  // 1 + 65504^2 = 4290774017 = 0xFFC00401: truncated to 24 bits (toward zero), 0xFFC00400.
  CHECK(sm90_mma_block<10>(a, b, 2, 0) == 0x4F7FC004u);
  // A NaN input, inf * 0 and inf - inf give NaN; one infinity gives it.
  detail::unpacked inf = detail::unpack<binary16::format_type>(0x7C00),
                   ninf = detail::unpack<binary16::format_type>(0xFC00);
  detail::unpacked zero = u(0.0), one = u(1.0);
  detail::unpacked x1[2] = {inf, one}, y1[2] = {zero, one};
  CHECK((sm90_mma_block<10>(x1, y1, 2, 0) & 0x7FFFFFFFu) > 0x7F800000u);
  detail::unpacked x2[2] = {inf, ninf}, y2[2] = {one, one};
  CHECK((sm90_mma_block<10>(x2, y2, 2, 0) & 0x7FFFFFFFu) > 0x7F800000u);
  detail::unpacked x3[2] = {inf, one}, y3[2] = {one, one};
  CHECK(sm90_mma_block<10>(x3, y3, 2, 0) == 0x7F800000u);
  // No product: c itself.
  CHECK(sm90_mma_block<10>(x3, y3, 0, 0x3F800000u) == 0x3F800000u);
}

// ---- the model's flags -----------------------------------------------------------------

namespace {

constexpr std::uint32_t four_flags = status::inexact | status::underflow | status::overflow | status::invalid;

template <class In>
std::vector<float> mma_floats(std::size_t n, std::uint64_t seed, int scenario);
constexpr int mma_scenarios = 7;

// Blocks of the probe's classes (0..4, and 5: infinities, NaNs and zeros) and of mma_floats'
// scenarios (below; 3 gives binary16 its underflows: cancellation to +0 with a dropped term),
// of n = 0..16 terms, through the model and through mma_block_ref: the same d (NaN: any NaN)
// and flags. Every flag must be raised by some block and not by others (overflow: bfloat16
// only, binary16 products and a binary32 c cannot reach 2^128).
template <class In>
void check_block_flags(int fmt, int cases) {
  long bad = 0, count = 0;
  std::uint32_t some = 0, all = ~0u;
  for (int cls = 0; cls < 6 + mma_scenarios; ++cls)
    for (int t = 0; t < cases; ++t) {
      mma_case c;
      const std::uint64_t seed = std::uint64_t(cls * 7919 + t) + 555555ull * fmt + 77;
      if (cls < 6) {
        gen_case(seed, fmt, cls, c);
      } else {
        const auto v = mma_floats<In>(16 * 16 + 16 * 8 + 16 * 8, seed, cls - 6);
        std::size_t at = 0;
        for (auto& row : c.a)
          for (auto& x : row) x = static_cast<std::uint16_t>(In(v[at++]).bits());
        for (auto& row : c.b)
          for (auto& x : row) x = static_cast<std::uint16_t>(In(v[at++]).bits());
        for (auto& row : c.c)
          for (auto& x : row) x = tref::fbits(t % 2 ? 0.0f : v[at]), ++at;
      }
      for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 8; ++j, ++count) {
          const int n = (i * 8 + j + t) % 17;
          detail::unpacked ua[16], ub[16];
          In xa[16], xb[16];
          for (int k = 0; k < 16; ++k) {
            xa[k] = In::from_bits(c.a[i][k]), xb[k] = In::from_bits(c.b[k][j]);
            ua[k] = unpack16<In>(c.a[i][k]), ub[k] = unpack16<In>(c.b[k][j]);
          }
          std::uint32_t f = 0;
          const std::uint32_t d =
              tensor::detail::sm90_mma_block<In::format_type::fraction_bits>(ua, ub, n, c.c[i][j], &f);
          const gref::mma_out r = gref::mma_block_ref(xa, xb, n, floatlab_test::bits_f(c.c[i][j]));
          const bool same = d == tref::fbits(r.d) || (r.d != r.d && (d & 0x7FFFFFFFu) > 0x7F800000u);
          if (!same || f != r.flags) {
            if (bad < 5)
              WARN("fmt " << fmt << " class " << cls << " case " << t << " (" << i << ", " << j << ") n " << n << ": d "
                          << std::hex << d << " want " << tref::fbits(r.d) << ", flags " << f << " want " << r.flags);
            ++bad;
          }
          some |= f, all &= f;
        }
    }
  INFO("blocks " << count << ", flags in some " << some << ", in all " << all);
  CHECK(bad == 0);
  CHECK(some == (fmt == 1 ? four_flags : four_flags & ~std::uint32_t{status::overflow}));
  CHECK((all & four_flags) == 0);
}

// Inputs for the flag scenarios of chunked<L, sm90_mma>, values of In (so that rounding the
// inputs raises nothing and the flags are the model's and the chunk additions'):
// 0: -1, 0, 1 (exact); 1: wide exponents (bits dropped in the alignment: inexact); 2: large
// (bfloat16: products near 2^128, the block overflows binary32); 3: +-1 and tiny values (the
// tiny dropped; where the +-1 cancel, d = +0 inexact: underflow; bfloat16's tiny products
// are binary32 subnormals); 4: a few infinities and zeros (inf * 0, inf - inf: invalid);
// 5: one NaN (no invalid); 6: tref::random_floats, rounded to In (the input flags too).
template <class In>
std::vector<float> mma_floats(std::size_t n, std::uint64_t seed, int scenario) {
  if (scenario == 6) return tref::random_floats(n, seed);
  constexpr bool bf = std::is_same_v<typename In::format_type, bfloat16::format_type>;
  std::mt19937_64 rng(seed);
  std::vector<float> v(n);
  auto value = [&](int e_lo, int e_hi) {
    const int e = e_lo + static_cast<int>(rng() % static_cast<unsigned>(e_hi - e_lo + 1));
    const double m = 1.0 + static_cast<double>(rng() % 1024) / 1024.0;
    return static_cast<float>(static_cast<double>(In(std::ldexp(rng() % 2 ? -m : m, e))));
  };
  for (auto& x : v) {
    const unsigned r = static_cast<unsigned>(rng() % 4);
    if (scenario == 0 || scenario == 3)
      x = static_cast<float>(static_cast<int>(rng() % 3) - 1);
    else if (scenario == 2)
      x = bf ? value(58, 63) : value(10, 15);
    else
      x = bf ? value(-40, 40) : value(-12, 12);
    if (scenario == 0 && x == 0 && r != 0) x = 1;
    if (scenario == 3 && x == 0) x = rng() % 2 ? 1.0f : -1.0f;
    if (scenario == 3 && r == 0) x = bf ? value(-75, -60) : value(-24, -15);
  }
  if (n == 0) return v;
  for (std::size_t t = 0; t < 1 + n / 64; ++t) {
    const std::size_t at = rng() % n;
    if (scenario == 4) v[at] = rng() % 2 ? (rng() % 2 ? -1.0f : 1.0f) * std::numeric_limits<float>::infinity() : 0.0f;
  }
  if (scenario == 5) v[rng() % n] = std::numeric_limits<float>::quiet_NaN();
  return v;
}

// gemm<chunked<L, sm90_mma>> against gref::reference (its sm90 branch: mma_block_ref per block,
// the chunk additions as scalar _status forms): the values bit for bit and the status flags,
// for K = 1, 17 and 40 (one partial block; a full block and one term; chunks that end inside
// K), alpha / beta, on 1, 2 and 7 threads. Returns the flags seen in some call and in all.
template <class In, class Acc, std::size_t L, class Mode>
void check_gemm_flags(std::uint64_t seed, int rounds, std::uint32_t& some, std::uint32_t& all) {
  using R = tensor::gemm_recipe<In, binary32, Acc, tensor::chunked<L, tensor::sm90_mma>>;
  using Plan = tensor::detail::gemm_plan<R, float, Mode, tensor::counter_source>;
  std::mt19937_64 rng(seed);
  const std::size_t ks[] = {1, 17, 40};
  const int threads[] = {1, 2, 7};
  long bad = 0, calls = 0;
  for (int t = 0; t < rounds; ++t)
    for (int sc = 0; sc < mma_scenarios; ++sc)
      for (int ki = 0; ki < 3; ++ki, ++calls) {
        tensor::gemm_shape s;
        s.m = 1 + rng() % 9, s.n = 1 + rng() % 8 + (rng() % 2 ? 64 : 0), s.k = ks[ki];
        if (rng() % 3 == 0) s.trans_b = tensor::op_t::trans;
        const int ab = static_cast<int>(rng() % 4);
        if (ab == 1) s.beta = 1;
        if (ab == 2) s.alpha = 0.5, s.beta = -2;
        std::size_t na, nb, nc;
        gref::sizes(s, na, nb, nc);
        const std::uint64_t sd = seed * 1000 + static_cast<std::uint64_t>(calls);
        const auto A = mma_floats<In>(na, sd, sc), B = mma_floats<In>(nb, sd + 1, sc);
        const auto C0f = mma_floats<In>(nc, sd + 2, sc == 6 ? 1 : sc % 4);
        std::vector<float> C0(nc);
        for (std::size_t i = 0; i < nc; ++i)
          C0[i] = convert<float>(convert<typename Plan::Acc>(C0f[i]), round::nearest_even{});
        std::vector<float> got = C0, want = C0;
        const tensor::counter_source src{sd * 7 + 1};
        tensor::set_threads(threads[(t + sc + ki) % 3]);
        const status st = tensor::gemm<R>(s, A, B, got, Mode{}, src);
        REQUIRE_FALSE(st.rejected());
        const std::uint32_t want_flags =
            gref::reference<typename Plan::InA, typename Plan::InB, typename Plan::Prod, typename Plan::Acc,
                            typename Plan::Kind, float, typename Plan::MOut>{s, src}
                .run(A, B, want);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < got.size(); ++i) wrong += !tref::same(got[i], want[i]);
        if (wrong || st.flags != want_flags) {
          if (bad < 5)
            WARN(__PRETTY_FUNCTION__ << " scenario " << sc << " m" << s.m << " n" << s.n << " k" << s.k << " alpha "
                                     << s.alpha << " beta " << s.beta << ": " << wrong << " values differ, flags "
                                     << st.flags << " want " << want_flags);
          ++bad;
        }
        some |= st.flags, all &= st.flags;
      }
  tensor::set_threads(0);
  CHECK(bad == 0);
}

template <class In, class Acc>
void gemm_flags_every_way(std::uint64_t seed) {
  const int rounds = static_cast<int>(tref::scaled(4, 1));
  std::uint32_t some = 0, all = ~0u;
  check_gemm_flags<In, Acc, 16, round::nearest_even>(seed, rounds, some, all);
  check_gemm_flags<In, Acc, 32, round::nearest_even>(seed + 1, rounds, some, all);
  check_gemm_flags<In, Acc, 32, round::stochastic<8>>(seed + 2, 1, some, all);
  INFO("flags in some call " << some << ", in all " << all);
  CHECK((some & status::inexact) != 0);
  CHECK((some & status::underflow) != 0);
  CHECK((some & status::invalid) != 0);
  if constexpr (std::is_same_v<typename In::format_type, bfloat16::format_type>) CHECK((some & status::overflow) != 0);
  CHECK((all & four_flags) == 0);
}

}  // namespace

TEST_CASE("sm90 model flags equal the binary64 restatement, block by block", "[tensor][mma][status]") {
  const int cases = static_cast<int>(tref::scaled(48, 4));
  check_block_flags<binary16>(0, cases);
  check_block_flags<bfloat16>(1, cases);
}
TEST_CASE("gemm chunked<L, sm90_mma> status: the model's flags and the chunk additions'",
          "[tensor][mma][status][threads]") {
  gemm_flags_every_way<binary16, binary32>(11);
  gemm_flags_every_way<binary16, bfloat16>(12);
  gemm_flags_every_way<bfloat16, binary32>(13);
  gemm_flags_every_way<bfloat16, bfloat16>(14);
}
