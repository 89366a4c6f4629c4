// The lane path of block_scaled_quantize (tensor/block_scaled.hpp, bs_quantize_lanes: float
// input, power-of-two scales, run layouts) against its exact path (the same values passed as
// double, which takes the per-element exact_quotient + round_pack_status / round_to_integer
// path): codes, scales, tensor scale and status flags, exhaustively over two 16-bit sources
// (every binary16 and every bfloat16 bit pattern as a float: NaN and inf blocks, float
// subnormals, values 2^40 below their block's maximum), in order (blocks of neighbouring
// values) and shuffled (blocks mixing every magnitude), with 1, 2 and 7 threads. And the
// Philox lanes (simd::philox_word_v, the SIMD builds) against philox_word.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "floatlab/tensor/block_scaled.hpp"
#include "tensor_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;

#ifdef FLOATLAB_EXPECT_SIMD_WIDTH  // the x86-64-v3 / v4 builds (tests/compile_checks.cmake)
static_assert(FLOATLAB_TENSOR_SIMD_WIDTH == FLOATLAB_EXPECT_SIMD_WIDTH, "built for another SIMD width");
#endif

namespace {

enum source { b16_all, b16_shuffled, bf16_all, bf16_shuffled, b16_finite_shuffled, sources };

std::vector<float> source_values(int which) {
  std::vector<float> v(65536);
  const bool bf = which == bf16_all || which == bf16_shuffled;
  for (std::uint32_t b = 0; b < 65536; ++b)
    v[b] = bf ? tref::ffrom(b << 16) : convert<float>(binary16::from_bits(static_cast<std::uint16_t>(b)));
  if (which == b16_finite_shuffled)
    for (auto& x : v)
      if (!std::isfinite(x)) x = 0.0f;
  if (which == b16_shuffled || which == bf16_shuffled || which == b16_finite_shuffled) std::shuffle(v.begin(), v.end(), std::mt19937_64(which));
  return v;
}

T::block_layout layout_for(int k) {
  switch (k % 4) {
    case 0: return T::mx_layout();
    case 1: return T::block_layout::consecutive(7);
    case 2: return T::block_layout::per_row(256, 256);
    default: return T::block_layout::per_row(256, 256, 48);  // pieces of 48: a short last piece
  }
}

struct tally {
  long runs = 0, values = 0, bad = 0;
  std::uint32_t flags_some = 0;
};

template <class Fmt, class Mode>
void lanes_equal_exact(tally& t, int pair) {
  static_assert(T::detail::bs_lane_ok<Fmt, Mode>, "the pair must take the lane path");
  const int threads[] = {1, 2, 7};
  for (int which = 0; which < sources; ++which) {
    const std::vector<float> in = source_values(which);
    const std::vector<double> ind(in.begin(), in.end());
    // Every source meets every layout over the pairs; the finite source also meets per_tensor.
    std::vector<T::block_layout> layouts{layout_for(which + pair)};
    if (which == b16_finite_shuffled) layouts.push_back(T::block_layout::per_tensor());
    for (const auto& layout : layouts) {
      const T::counter_source src{static_cast<std::uint64_t>(1000 * pair + which)};
      T::block_scaled_tensor<Fmt> a, b;
      T::set_threads(threads[(pair + which) % 3]);
      status sa, sb;
      if constexpr (is_stochastic_v<Mode>) {
        sa = T::block_scaled_quantize<Fmt>(layout, in, a, Mode{}, src);
        sb = T::block_scaled_quantize<Fmt>(layout, ind, b, Mode{}, src);
      } else {
        sa = T::block_scaled_quantize<Fmt>(layout, in, a, Mode{});
        sb = T::block_scaled_quantize<Fmt>(layout, ind, b, Mode{});
      }
      T::set_threads(0);
      REQUIRE_FALSE(sa.rejected());
      long wrong = 0;
      for (std::size_t i = 0; i < in.size(); ++i) wrong += a.codes[i] != b.codes[i];
      const bool scales_equal = a.scales == b.scales && a.tensor_scale == b.tensor_scale;
      if (wrong || !scales_equal || sa.flags != sb.flags) {
        WARN(__PRETTY_FUNCTION__ << " source " << which << " layout " << static_cast<int>(layout.kind) << ": " << wrong
                                 << " codes differ, scales equal " << scales_equal << ", flags " << sa.flags << " want " << sb.flags);
        ++t.bad;
      }
      ++t.runs, t.values += static_cast<long>(in.size());
      t.flags_some |= sa.flags;
    }
  }
}

}  // namespace

TEST_CASE("block-scaled quantize lanes equal the exact path over every 16-bit pattern", "[tensor][block_scaled][lanes]") {
  using sr8 = round::stochastic<8>;
  using sr16 = round::stochastic<16>;
  tally t;
  int pair = 0;
  lanes_equal_exact<T::mx_format<e4m3>, round::nearest_even>(t, pair++);
  lanes_equal_exact<T::mx_format<e4m3>, sr8>(t, pair++);
  lanes_equal_exact<T::mx_format<e4m3>, round::toward_zero>(t, pair++);
  lanes_equal_exact<T::mx_format<e5m2>, sr16>(t, pair++);
  lanes_equal_exact<T::mx_format<e2m1>, sr8>(t, pair++);
  lanes_equal_exact<T::mx_format<e2m1>, round::upward>(t, pair++);
  lanes_equal_exact<T::mx_format<e3m2>, round::nearest_away>(t, pair++);
  lanes_equal_exact<T::mx_format<bfloat16>, sr8>(t, pair++);
  lanes_equal_exact<T::mx_format<e4m3fnuz>, round::odd>(t, pair++);
  lanes_equal_exact<T::block_format<binary16, T::scale_pow2>, round::downward>(t, pair++);
  lanes_equal_exact<T::muppet_bfp<8>, round::nearest_even>(t, pair++);
  lanes_equal_exact<T::muppet_bfp<8>, sr8>(t, pair++);
  lanes_equal_exact<T::muppet_bfp<16>, sr16>(t, pair++);
  lanes_equal_exact<T::block_format<T::int_element<4>, T::scale_pow2>, sr8>(t, pair++);
  INFO("runs " << t.runs << ", values " << t.values << ", flags seen " << t.flags_some);
  CHECK(t.runs == 14 * (sources + 1));
  CHECK(t.bad == 0);
  CHECK((t.flags_some & (status::inexact | status::overflow | status::invalid)) ==
        (status::inexact | status::overflow | status::invalid));
}

#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
TEST_CASE("philox_word_v equals philox_word lane by lane", "[tensor][simd][random]") {
  namespace S = T::detail::simd;
  std::mt19937_64 rng(99);
  // The block counter e / 4 carries from its low to its high word at e = 2^34 (2^32 itself is
  // no carry under the four-words-a-block contract, but stays as a start).
  const std::uint64_t firsts[] = {0, 5, (std::uint64_t{1} << 32) - 7, (std::uint64_t{1} << 34) - 5, (std::uint64_t{1} << 34) - 16,
                                  (std::uint64_t{1} << 33) + 3, ~std::uint64_t{0} - 20, ~std::uint64_t{0} - 3};
  long words = 0, bad = 0;
  for (int t = 0; t < 4000; ++t) {
    const std::uint64_t seed = t < 3 ? std::uint64_t(t) * 0xFFFFFFFFull : rng();
    const std::uint64_t first = t % 3 == 0 ? firsts[(t / 3) % 8] : rng() >> (rng() % 64);
    const std::uint32_t op = t % 5 == 0 ? 0xFFFFFFF0u - static_cast<std::uint32_t>(t % 2) : static_cast<std::uint32_t>(rng() % (t % 2 ? 1000 : ~0u));
    std::uint64_t elems[S::W];
    S::vu lo, hi;
    for (int l = 0; l < S::W; ++l) {
      elems[l] = rng() % 4 ? first + static_cast<std::uint64_t>(l) : rng();
      lo[l] = static_cast<std::uint32_t>(elems[l]), hi[l] = static_cast<std::uint32_t>(elems[l] >> 32);
    }
    const S::vu a = S::philox_word_v(seed, first, op), b = S::philox_word_v(seed, elems, op), c = S::philox_word_v(seed, lo, hi, op);
    for (int l = 0; l < S::W; ++l, words += 3) {
      bad += a[l] != philox_word(seed, first + static_cast<std::uint64_t>(l), op);
      bad += b[l] != philox_word(seed, elems[l], op);
      bad += c[l] != philox_word(seed, elems[l], op);
    }
    // The block forms: 2W words from a multiple of 4 (one block per four elements), and the
    // fill at any start and length (its scalar head and tail included).
    const std::uint64_t f4 = first & ~std::uint64_t{3};
    S::vu w0, w1;
    S::philox_words2_v(seed, f4, op, w0, w1);
    for (int l = 0; l < S::W; ++l, words += 2) {
      bad += w0[l] != philox_word(seed, f4 + static_cast<std::uint64_t>(l), op);
      bad += w1[l] != philox_word(seed, f4 + static_cast<std::uint64_t>(S::W + l), op);
    }
    std::uint32_t filled[5 * S::W];
    const std::size_t len = t % (5 * S::W + 1);
    S::philox_fill(seed, first, op, filled, len);
    for (std::size_t l = 0; l < len; ++l, ++words) bad += filled[l] != philox_word(seed, first + l, op);
  }
  INFO("words compared " << words);
  CHECK(words >= 5L * 4000 * S::W);
  CHECK(bad == 0);
}
#endif
