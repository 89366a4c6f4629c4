// floatlab/tensor/gemm.hpp: C = alpha * op(A) op(B) + beta * C with per-operation rounding.
//
// Semantics (design.md "GEMM and convolution semantics"; docs/tensor.md states every rule):
//   Inputs are rounded to the input formats; then, for every output element, the sum runs
//   over k = 0..K-1 in order, starting from acc = +0 (or from C, see alpha/beta below):
//   per_operation:  p = round_Prod(a*b);  acc = round_Acc(acc + p)
//   fused:          acc = round_Acc(acc + a*b)           (exact product, one rounding a step)
//   chunked<L, P>:  for each chunk of L consecutive k: part = sum of the exact products,
//                   in P = binary32 (part = RN32(part + a*b) per step, from +0) or exactly
//                   (P = exact_partial) or as a Hopper tensor core sums it (P = sm90_mma,
//                   mma_model.hpp: blocks of 16 k, binary16 or bfloat16 inputs); then
//                   acc = round_Acc(acc + part)
//   alpha/beta: beta == 0: C is not read. alpha == 1, beta != 0: acc starts from
//   round_Acc(beta * c) (= c rounded to Acc for beta == 1). alpha != 1: acc starts from +0,
//   and after the k loop acc = round_Acc(round_Acc(alpha * acc) + round_Acc(beta * c))
//   (the second term only when beta != 0). alpha, beta are first rounded to Acc (nearest even).
//   The result is written as TC: rounded once from Acc in TC's mode (a cfloat TC) or to
//   nearest even (float/double, exact when Acc fits).
//   Stochastic words: philox_word(seed, e, op) with e = (batch * M + i) * N + j and
//   op = 0 (beta * c), 2k + 1 (product of step k), 2k + 2 (accumulation of step k; for a
//   chunk, its last k), 2K + 1 (alpha * acc), 2K + 2 (+ beta c), 2K + 3 (conversion to TC);
//   input roundings: A element (batch, i, k) e = (batch * M + i) * K + k, op 0xFFFFFFF0;
//   B element (batch, k, j) e = (batch * K + k) * N + j, op 0xFFFFFFF1.
//   Status: the IEEE flags of every rounding above (inputs, alpha / beta to Acc where used,
//   beta * c, each step, alpha * acc, + beta * c, the conversion to TC), each as its scalar
//   _status form raises it, ORed over threads (docs/tensor.md "GEMM: status").
//
// Fast path: when the input formats, the product and the accumulator live in float and every
// product of two inputs is exact in float (lane.hpp), the kernel runs on float lanes with
// the branch-free rounding; it is register tiled (4 rows x 64 columns of accumulators),
// runs the columns in SIMD blocks (simd.hpp: 16 AVX-512 / 8 AVX2 lanes, the scalar lanes for
// the rest) and is threaded over output tiles. Otherwise an exact scalar kernel (unpacked values and the
// rounding core) runs, threaded the same way. Both give the same bits.
#pragma once

#include <cstring>
#include <vector>

#include "common.hpp"
#include "exact.hpp"
#include "lane.hpp"
#include "mma_model.hpp"
#include "quantize.hpp"
#include "simd.hpp"

namespace floatlab::tensor {

enum class layout { row_major, col_major };
enum class op_t { none, trans };

struct gemm_shape {
  std::size_t m = 0, n = 0, k = 0;
  layout order = layout::row_major;  // storage order of A, B and C
  op_t trans_a = op_t::none, trans_b = op_t::none;
  std::size_t lda = 0, ldb = 0, ldc = 0;  // 0: tight (the stored row / column length)
  std::size_t batch = 1;
  std::size_t stride_a = 0, stride_b = 0, stride_c = 0;  // elements between batches; 0: tight
  double alpha = 1, beta = 0;
};

// Accumulation kinds.
struct per_operation {};
struct fused {};
struct exact_partial {};
template <std::size_t L, class Partial = binary32>
struct chunked {
  static_assert(L >= 1, "chunked<L, Partial>: chunk length L must be at least 1");
  static_assert(std::is_same_v<Partial, binary32> || std::is_same_v<Partial, exact_partial> ||
                    std::is_same_v<Partial, sm90_mma>,
                "chunked<L, Partial>: Partial must be floatlab::binary32, floatlab::tensor::exact_partial or "
                "floatlab::tensor::sm90_mma");
  static_assert(!std::is_same_v<Partial, sm90_mma> || L % 16 == 0,
                "chunked<L, sm90_mma>: chunk length L must be a multiple of 16 (the tensor core's block)");
  static constexpr std::size_t length = L;
  using partial = Partial;
};
template <class T>
struct is_chunked : std::false_type {};
template <std::size_t L, class P>
struct is_chunked<chunked<L, P>> : std::true_type {};
template <class T>
struct chunk_partial {
  using type = void;
};
template <std::size_t L, class P>
struct chunk_partial<chunked<L, P>> {
  using type = P;
};
template <class T>
struct chunk_length : std::integral_constant<std::size_t, 1> {};
template <std::size_t L, class P>
struct chunk_length<chunked<L, P>> : std::integral_constant<std::size_t, L> {};

// A GEMM's formats: inputs (InA, InB), product, accumulator, and the accumulation kind.
// Each rounds in its own type's mode unless the call passes a trailing mode.
template <class InA, class Prod, class Acc, class Kind = per_operation, class InB = InA>
struct gemm_recipe {
  static_assert(is_cfloat_v<InA> && is_cfloat_v<InB> && is_cfloat_v<Prod> && is_cfloat_v<Acc>,
                "gemm_recipe: InA, InB, Prod and Acc must be floatlab::cfloat types");
  static_assert(std::is_same_v<Kind, per_operation> || std::is_same_v<Kind, fused> || is_chunked<Kind>::value,
                "gemm_recipe: Kind must be per_operation, fused or chunked<L, Partial>");
  static_assert(!is_chunked<Kind>::value || !std::is_same_v<typename chunk_partial<Kind>::type, sm90_mma> ||
                    (std::is_same_v<typename InA::format_type, typename InB::format_type> &&
                     (std::is_same_v<typename InA::format_type, typename binary16::format_type> ||
                      std::is_same_v<typename InA::format_type, typename bfloat16::format_type>)),
                "gemm_recipe: chunked<L, sm90_mma> needs InA = InB = binary16 or bfloat16 (the tensor core's inputs)");
  using in_a = InA;
  using in_b = InB;
  using product = Prod;
  using accumulate = Acc;
  using kind = Kind;
};

inline constexpr std::uint32_t op_input_a = 0xFFFFFFF0u, op_input_b = 0xFFFFFFF1u;
inline constexpr std::size_t max_k = (std::size_t{1} << 31) - 16;

namespace detail {

struct gemm_geom {
  std::size_t m, n, k, batch;
  // Element (i, k) of op(A) at a[ai * i + ak * kk], of op(B) at b[bk * kk + bj * j], C at c[ci*i + cj*j].
  std::size_t ai, ak, bk, bj, ci, cj;
  std::size_t sa, sb, sc;
};

// Checks sizes, leading dimensions, batch strides, overflow; fills g.
template <class TA, class TB, class TC>
status check_gemm(const gemm_shape& s, array_view<const TA> a, array_view<const TB> b, array_view<TC> c,
                  gemm_geom& g) {
  if (null_with_size(a) || null_with_size(b) || null_with_size(c))
    return status::error(status::bad_argument, "gemm: null pointer with a non-zero size");
  if (s.batch == 0) {
    g = {};
    return {};
  }
  if (s.k > max_k) return status::error(status::bad_shape, "gemm: K must be below 2^31 - 16");
  const bool row = s.order == layout::row_major;
  const bool ta = s.trans_a == op_t::trans, tb = s.trans_b == op_t::trans;
  // Stored A is (m x k) or (k x m) if transposed; in row-major, "rows" of storage.
  const std::size_t a_rows = ta ? s.k : s.m, a_cols = ta ? s.m : s.k;
  const std::size_t b_rows = tb ? s.n : s.k, b_cols = tb ? s.k : s.n;
  // Storage "line" length: row-major lines are rows, column-major lines are columns.
  const std::size_t a_line = row ? a_cols : a_rows, a_lines = row ? a_rows : a_cols;
  const std::size_t b_line = row ? b_cols : b_rows, b_lines = row ? b_rows : b_cols;
  const std::size_t c_line = row ? s.n : s.m, c_lines = row ? s.m : s.n;
  const std::size_t lda = s.lda ? s.lda : a_line, ldb = s.ldb ? s.ldb : b_line, ldc = s.ldc ? s.ldc : c_line;
  if (lda < a_line && a_lines > 0 && a_line > 0) return status::error(status::bad_shape, "gemm: lda is smaller than a row (column) of A");
  if (ldb < b_line && b_lines > 0 && b_line > 0) return status::error(status::bad_shape, "gemm: ldb is smaller than a row (column) of B");
  if (ldc < c_line && c_lines > 0 && c_line > 0) return status::error(status::bad_shape, "gemm: ldc is smaller than a row (column) of C");
  std::size_t ea = 0, eb = 0, ec = 0;
  if (!extent_2d(a_lines, a_line, lda, ea) || !extent_2d(b_lines, b_line, ldb, eb) || !extent_2d(c_lines, c_line, ldc, ec))
    return status::error(status::bad_shape, "gemm: matrix extent overflows size_t");
  const std::size_t sa = s.stride_a ? s.stride_a : ea, sb = s.stride_b ? s.stride_b : eb, sc = s.stride_c ? s.stride_c : ec;
  if (s.batch > 1 && ((sa < ea && s.stride_a) || (sb < eb && s.stride_b) || (sc < ec && s.stride_c && ec)))
    return status::error(status::bad_shape, "gemm: a batch stride is smaller than one matrix (batches would overlap)");
  std::size_t ta_total = 0, tb_total = 0, tc_total = 0, t = 0;
  if (!mul_ok(s.batch - 1, sa, t) || !add_ok(t, ea, ta_total) || !mul_ok(s.batch - 1, sb, t) || !add_ok(t, eb, tb_total) ||
      !mul_ok(s.batch - 1, sc, t) || !add_ok(t, ec, tc_total))
    return status::error(status::bad_shape, "gemm: batch extent overflows size_t");
  if (ea == 0) ta_total = 0;
  if (eb == 0) tb_total = 0;
  if (ec == 0) tc_total = 0;
  if (a.size < ta_total) return status::error(status::bad_shape, "gemm: A is smaller than its shape, lda and batch need");
  if (b.size < tb_total) return status::error(status::bad_shape, "gemm: B is smaller than its shape, ldb and batch need");
  if (c.size < tc_total) return status::error(status::bad_shape, "gemm: C is smaller than its shape, ldc and batch need");
  std::size_t mn = 0, mnk = 0;
  if (!mul_ok(s.m, s.n, mn) || !mul_ok(mn, s.batch, mnk) || !mul_ok(s.m * s.batch, s.k + 1, t) || !mul_ok(s.k * s.batch, s.n + 1, t))
    return status::error(status::bad_shape, "gemm: element indices overflow");
  const array_view<const TC> cv{c.data, tc_total};
  if (overlaps(array_view<const TA>{a.data, ta_total}, cv) || overlaps(array_view<const TB>{b.data, tb_total}, cv))
    return status::error(status::bad_argument, "gemm: C overlaps A or B");
  // Element strides of op(A)(i, kk), op(B)(kk, j), C(i, j).
  auto st = [row](std::size_t ld, bool trans, std::size_t& first, std::size_t& second) {
    // logical (r, q) of the untransposed operand: row-major r*ld + q, col-major r + q*ld
    std::size_t r = row ? ld : 1, q = row ? 1 : ld;
    if (trans) std::swap(r, q);
    first = r;
    second = q;
  };
  st(lda, ta, g.ai, g.ak);
  st(ldb, tb, g.bk, g.bj);
  st(ldc, false, g.ci, g.cj);
  g.m = s.m, g.n = s.n, g.k = s.k, g.batch = s.batch, g.sa = sa, g.sb = sb, g.sc = sc;
  return {};
}

// Value of a real or cfloat as the unpacked exact value of format F (F = its own format).
template <class T>
inline floatlab::detail::unpacked unpack_any(const T& x) noexcept {
  if constexpr (is_cfloat_v<T>) return floatlab::detail::unpack<typename T::format_type>(x.bits());
  else if constexpr (std::is_same_v<T, float>) return floatlab::detail::unpack<floatlab::detail::binary32_format>(bit_cast<std::uint32_t>(x));
  else return floatlab::detail::unpack<floatlab::detail::binary64_format>(bit_cast<std::uint64_t>(x));
}

template <class Fmt>
struct fmt_value {
  typename Fmt::storage bits;
};

// Exact product of two unpacked values rounded to Fmt in Mode.
template <class Fmt, class Mode>
inline typename Fmt::storage mul_to(const floatlab::detail::unpacked& a, const floatlab::detail::unpacked& b,
                                    std::uint32_t w) noexcept {
  return floatlab::detail::finish<Fmt, Mode>(floatlab::detail::mul(a, b), w);
}
template <class Fmt, class Mode>
inline typename Fmt::storage add_to(const floatlab::detail::unpacked& a, const floatlab::detail::unpacked& b,
                                    std::uint32_t w) noexcept {
  return floatlab::detail::finish<Fmt, Mode>(floatlab::detail::add<Mode>(a, b), w);
}
template <class Fmt, class Mode>
inline typename Fmt::storage fma_to(const floatlab::detail::unpacked& a, const floatlab::detail::unpacked& b,
                                    const floatlab::detail::unpacked& c, std::uint32_t w) noexcept {
  return floatlab::detail::finish<Fmt, Mode>(floatlab::detail::fma<Mode>(a, b, c), w);
}

// Converts an accumulator value (bits of AccF) to the output element type.
template <class TC, class AccF, class OutMode>
inline TC write_out(typename AccF::storage acc, std::uint32_t w) noexcept {
  if constexpr (is_cfloat_v<TC>)
    return TC::from_bits(floatlab::detail::convert_bits<typename TC::format_type, AccF, OutMode>(acc, w));
  else if constexpr (std::is_same_v<TC, float>)
    return bit_cast<float>(static_cast<std::uint32_t>(
        floatlab::detail::convert_bits<floatlab::detail::binary32_format, AccF, round::nearest_even>(acc, 0)));
  else
    return bit_cast<double>(static_cast<std::uint64_t>(
        floatlab::detail::convert_bits<floatlab::detail::binary64_format, AccF, round::nearest_even>(acc, 0)));
}

template <class Kind>
struct chunk_lane_ok : std::true_type {};
template <std::size_t L>
struct chunk_lane_ok<chunked<L, exact_partial>> : std::false_type {};
template <std::size_t L>
struct chunk_lane_ok<chunked<L, sm90_mma>> : std::false_type {};

template <class T, class Fallback, class = void>
struct mode_or {
  using type = Fallback;
};
template <class T, class Fallback>
struct mode_or<T, Fallback, std::enable_if_t<is_cfloat_v<T>>> {
  using type = typename T::rounding_mode;
};

// A recipe type with `static constexpr bool force_exact_kernel = true` (tests derive one from
// a gemm_recipe) runs the exact scalar kernel even where the lane kernel applies, so that
// the two can be compared bit for bit.
template <class Recipe, class = void>
struct forces_exact_kernel : std::false_type {};
template <class Recipe>
struct forces_exact_kernel<Recipe, std::void_t<decltype(Recipe::force_exact_kernel)>>
    : std::bool_constant<Recipe::force_exact_kernel> {};

// The formats and modes of one GEMM call: the recipe's types, each in its own mode, or all
// in the trailing mode when one is passed.
template <class Recipe, class TC, class... Args>
struct gemm_plan {
  using targs = tensor_args<round::nearest_even, std::decay_t<Args>...>;
  static constexpr bool has_mode = targs::has_mode;
  using TMode = typename targs::mode;
  template <class T>
  using pick = std::conditional_t<has_mode, apply_mode_t<T, TMode>, T>;
  using InA = pick<typename Recipe::in_a>;
  using InB = pick<typename Recipe::in_b>;
  using Prod = pick<typename Recipe::product>;
  using Acc = pick<typename Recipe::accumulate>;
  using Out = pick<TC>;
  using Kind = typename Recipe::kind;
  using MA = typename InA::rounding_mode;
  using MB = typename InB::rounding_mode;
  using MP = typename Prod::rounding_mode;
  using MC = typename Acc::rounding_mode;
  using MOut = typename mode_or<Out, round::nearest_even>::type;
  using FA = typename InA::format_type;
  using FB = typename InB::format_type;
  using FP = typename Prod::format_type;
  using FC = typename Acc::format_type;
  // A binary32 accumulator in nearest-even has no spare bit (lane_sum_ok fails), but float
  // addition is then the accumulator's rounding itself (lane_is_float_rn).
  static constexpr bool lane = lane_ok<FA> && lane_ok<FB> && lane_product_exact2<FA, FB> && lane_ok<FP> &&
                               (lane_sum_ok<FC, MC> || lane_is_float_rn<FC, MC>) && chunk_lane_ok<Kind>::value &&
                               !forces_exact_kernel<Recipe>::value;
  using panel_t = std::conditional_t<lane, float, floatlab::detail::unpacked>;
  template <class TA, class TB>
  static constexpr bool stochastic =
      (is_stochastic_v<MA> && !std::is_same_v<TA, InA>) || (is_stochastic_v<MB> && !std::is_same_v<TB, InB>) ||
      (is_stochastic_v<MP> && std::is_same_v<Kind, per_operation>) || is_stochastic_v<MC> ||
      (is_stochastic_v<MOut> && is_cfloat_v<Out>);
};

// One input element rounded to In (mode M) and stored in the panel type; the rounding's flags
// (convert_status's) ORed into flags.
template <class P, class In, class M, class T>
inline typename P::panel_t panel_value(const T& x, const counter_source& src, std::uint64_t e, std::uint32_t op,
                                       std::uint32_t& flags) noexcept {
  using F = typename In::format_type;
  typename F::storage q;
  if constexpr (std::is_same_v<T, In>) {
    q = x.bits();
  } else {
    const with_status<In> r = round_one_status<In, M>(x, is_stochastic_v<M> ? src.word(e, op) : 0);
    flags |= r.flags.flags;
    q = r.value.bits();
  }
  if constexpr (P::lane) return lane_decode<F>(q);
  else return floatlab::detail::unpack<F>(q);
}
template <class P>
inline typename P::panel_t panel_zero() noexcept {
  if constexpr (P::lane) return 0.0f;
  else return floatlab::detail::unpacked{floatlab::detail::value_class::zero, false, 0, 0};
}

inline constexpr std::size_t tile_i = 4, tile_j = 64;

// An exact result rounded to Fmt with finish_status's flags (the scalar _status forms' rule)
// ORed into flags; ops: the operands (for invalid: a NaN from no NaN operand).
template <class Fmt, class Mode, class... U>
inline typename Fmt::storage finish_flags(const floatlab::detail::exact_result& r, std::uint32_t w, std::uint32_t& flags,
                                          const U&... ops) noexcept {
  const auto q = floatlab::detail::finish_status<Fmt, Mode>(r, w, ops...);
  flags |= q.flags.flags;
  return q.value;
}

// ---- the lane kernel's roundings with their flags ------------------------------------------
// The flags of a GEMM are an OR over the whole call, so a flag needs finding once. A tile runs
// its k steps "full" (every flag of every rounding) until the call's inexact flag is known
// (usually after the first step), then "light": the SIMD bits path runs in a range
// (simd::bits_range_for) where a rounding can raise nothing but inexact, so only what leaves
// it (tiny lanes while underflow is unknown, lanes near the largest finite value while overflow
// is unknown, infinities, NaNs) takes the general path, which computes every flag; the binary32
// nearest-even sums (accumulator, product, chunk partials), which have no such path, compute no
// flag in the light steps: a sum of two floats that is tiny is exact (no underflow), and their
// overflow or invalid leaves an infinity or a NaN in the partial or the accumulator, so a tile
// that ends with one is run again, full (the trace re-run; the values are the same).
// Scalar lanes (the columns that do not fill a SIMD block, and builds without SIMD) are always
// full. Tested in test_tensor_gemm "gemm status flags ..." and tensor_simd_check.

// A rounding of an operation's float result s (+ e) with finish_status's flags; nan_in: any
// operand was a NaN.
template <class Fmt, class Mode>
inline float op_round_s(float s, float e, std::uint32_t w, bool ovf, std::uint32_t& flags, bool nan_in) noexcept {
  const float r = round_lane_flags<Fmt, Mode, false>(s, e, w, ovf, flags);
  if (s != s && !nan_in) flags |= status::invalid;
  return r;
}
template <class Fmt, class Mode>
inline float add_op_s(float a, float b, std::uint32_t w, std::uint32_t& flags, bool nan_in) noexcept {
  const float r = add_lane_flags<Fmt, Mode, false>(a, b, w, flags);
  const float s = a + b;
  if (s != s && !nan_in) flags |= status::invalid;
  return r;
}
// part + a*b in binary32 nearest even (a*b exact in float), with its flags.
inline float part_step_s(float a, float b, float part, std::uint32_t& flags) noexcept {
  const float p = a * b;
  const float s = p + part;
  const float bv = s - p;
  const float e = (p - (s - bv)) + (part - bv);
  const bool fin_s = (fbits(s) & 0x7F800000u) != 0x7F800000u;
  const bool fin_in = (fbits(p) & 0x7F800000u) != 0x7F800000u && (fbits(part) & 0x7F800000u) != 0x7F800000u;
  const bool ovf = fin_in && !fin_s;
  if ((fin_s && e != 0.0f) || ovf) flags |= status::inexact;
  if (ovf) flags |= status::overflow;
  if (s != s && !(a != a || b != b || part != part)) flags |= status::invalid;
  return s;
}

#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
// op_round_s on lanes. Full: every flag; else (inexact known) the bits path in range raises
// none, the general path every one, and binary32 nearest even none (see above).
template <class Fmt, class Mode, bool Full, class NanIn>
__attribute__((always_inline)) inline simd::vf op_round_v(simd::vf s, simd::vf e, simd::vu word, simd::vi ovf, simd::vu& flags,
                                                          simd::bits_range range, NanIn&& nan_in) noexcept {
  using namespace simd;
  if constexpr (lane_is_float_rn<Fmt, Mode>) {
    if constexpr (Full) {
      round_lane_general_v<Fmt, Mode, false>(s, e, word, ovf, flags);
      flags |= flag_if(is_nan(s) & ~nan_in(), status::invalid);
    }
    (void)range, (void)nan_in;
    return s;
  } else if constexpr (bits_path_ok<Fmt, Mode>) {
    vf out;
    vu fb = U(0);
    if (__builtin_expect(round_bits_v<Fmt, Mode>(s, e, word, ovf, fb, out, range), 1)) {
      if constexpr (Full) flags |= fb;
      return out;
    }
    vu fs = U(0);
    out = round_lane_slow_v<Fmt, Mode, false>(s, e, word, ovf, fs);
    flags |= fs | flag_if(is_nan(s) & ~nan_in(), status::invalid);
    return out;
  } else {
    (void)range;
    const vf out = round_lane_general_v<Fmt, Mode, false>(s, e, word, ovf, flags);
    flags |= flag_if(is_nan(s) & ~nan_in(), status::invalid);
    return out;
  }
}
// a + b rounded to Fmt (add_lane_v) with op_round_v's flags.
template <class Fmt, class Mode, bool Full, class NanIn>
__attribute__((always_inline)) inline simd::vf add_op_v(simd::vf a, simd::vf b, simd::vu word, simd::vu& flags, simd::bits_range range,
                                                        NanIn&& nan_in) noexcept {
  using namespace simd;
  const vf s = a + b;
  if constexpr (lane_is_float_rn<Fmt, Mode> && !Full) {
    (void)word, (void)flags, (void)range, (void)nan_in;
    return s;
  } else {
    const vf bv = s - a;
    const vf e = (a - (s - bv)) + (b - bv);
    const vi finite_in = is_finite(a) & is_finite(b);
    const vi ovf = finite_in & ~is_finite(s);
    const vf ee = self(ovf, F(0.0f), e);
    const vf r = op_round_v<Fmt, Mode, Full>(s, ee, word, ovf, flags, range, nan_in);
    if constexpr (lane_is_float_rn<Fmt, Mode>) {
      return s;
    } else {
      const vi sa = as_i(a) < 0, sb = as_i(b) < 0;
      const vi zs = std::is_same_v<Mode, round::downward> ? (sa | sb) : (sa & sb);
      const vf zero = self(zs, F(zero_value<Fmt>(true)), F(zero_value<Fmt>(false)));
      return self(s == 0.0f, zero, r);
    }
  }
}
// part + a*b in binary32 nearest even on lanes; Full: its flags.
template <bool Full>
__attribute__((always_inline)) inline simd::vf part_step_v(simd::vf a, simd::vf b, simd::vf part, simd::vu& flags) noexcept {
  using namespace simd;
  const vf p = a * b;
  const vf s = p + part;
  if constexpr (Full) {
    const vf bv = s - p;
    const vf e = (p - (s - bv)) + (part - bv);
    const vi fin_s = is_finite(s);
    const vi ovf = is_finite(p) & is_finite(part) & ~fin_s;
    flags |= flag_if(((e != 0.0f) & fin_s) | ovf, status::inexact) | flag_if(ovf, status::overflow) |
             flag_if(is_nan(s) & ~(is_nan(a) | is_nan(b) | is_nan(part)), status::invalid);
  } else {
    (void)flags;
  }
  return s;
}
#endif

// The k loops of one output tile (rows i0..i0+ni, columns j0..j0+nj). Aq: row-major panel
// with row length lda_q (A(i, k) = Aq[i * lda_q + k]); Bq: B(k, j) = Bq[k * ldb_q + j].
// elem(i, j): the stochastic element index; init(i, j, flags) gives the first accumulator
// (bits of FC); store(i, j, acc, flags) takes the last; both OR their roundings' flags into
// flags. known: flags the call has already found (they need not be found again). Returns the
// flags of the tile's roundings (init and store included), ORed.
template <class P, class Elem, class Init, class Store>
std::uint32_t gemm_tile(const typename P::panel_t* Aq, std::size_t lda_q, const typename P::panel_t* Bq, std::size_t ldb_q,
                        std::size_t i0, std::size_t ni, std::size_t j0, std::size_t nj, std::size_t K, const counter_source& src,
                        Elem&& elem, Init&& init, Store&& store, std::size_t k_base = 0, std::size_t k_total = 0,
                        std::uint32_t known = 0) {
  // k_base / k_total: this call runs steps k_base .. k_base + K - 1 of a sum of k_total steps
  // (convolution passes split k into blocks; k_base is a multiple of the chunk length).
  if (k_total == 0) k_total = K;
  using FP = typename P::FP;
  using FC = typename P::FC;
  using MP = typename P::MP;
  using MC = typename P::MC;
  using Kind = typename P::Kind;
  using SC = typename FC::storage;
  constexpr std::size_t TI = tile_i, TJ = tile_j;
  std::uint32_t f = 0;  // flags of the scalar lanes, init, store
  if constexpr (P::lane) {
    // Columns q of a row run in SIMD blocks of simd_width (simd.hpp; the same steps as the
    // scalar lanes, which take the columns that do not fill a block).
    constexpr bool sp = is_stochastic_v<MP> && std::is_same_v<Kind, per_operation>;
    constexpr bool sc = is_stochastic_v<MC>;
    constexpr bool chunk = is_chunked<Kind>::value;
    // The light steps leave these to the trace re-run (see above).
    constexpr bool traced = lane_is_float_rn<FC, MC> || chunk || (std::is_same_v<Kind, per_operation> && lane_is_float_rn<FP, MP>);
    alignas(64) float acc[TI][TJ];
    alignas(64) float acc0[TI][TJ];
    alignas(64) float part[TI][TJ];
    alignas(64) std::uint64_t el[TI][TJ];  // stochastic element indices
    for (std::size_t r = 0; r < TI; ++r)
      for (std::size_t q = 0; q < TJ; ++q) acc[r][q] = 0.0f, part[r][q] = 0.0f;
    for (std::size_t r = 0; r < ni; ++r)
      for (std::size_t q = 0; q < nj; ++q) {
        acc[r][q] = lane_decode<FC>(init(i0 + r, j0 + q, f));
        if constexpr (sp || sc) el[r][q] = elem(i0 + r, j0 + q);
      }
    if constexpr (traced) std::memcpy(acc0, acc, sizeof acc);
    const std::size_t nv = simd_width > 1 ? nj / simd_width * simd_width : 0;  // columns in SIMD blocks
    auto wd = [&](std::size_t r, std::size_t q, std::size_t op) -> std::uint32_t {
      return src.word(el[r][q], static_cast<std::uint32_t>(op));
    };
    auto nanf = [](float x) { return x != x; };
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    using simd::vf;
    using simd::vi;
    using simd::vu;
    // Rows whose element indices run consecutively (GEMM's j; conv's may not): their words
    // from W / 2 Philox blocks (a block per four elements) instead of a block per lane; the
    // same words philox_word gives either way (test_tensor_block_scaled_lanes_v4).
    bool el_run = sp || sc;
    if constexpr (sp || sc)
      for (std::size_t r = 0; r < ni && el_run; ++r)
        for (std::size_t q = 1; q < nj; ++q) el_run &= el[r][q] == el[r][0] + q;
    // A run row's words for one operation are drawn at its first block (q = 0, where every
    // step starts the row): 2W per vector of Philox blocks from the multiple of 4 at or below
    // el[r][0] (simd::philox_words2_v) into wrow[op & 1] (products odd, sums even), read back
    // at the row's offset; the other rows: a block per lane. The fill below stores 2W words from
    // t = 0, 2W, ... while t < (e0 - base) + nv <= 3 + TJ: its last store ends at TJ + 2W, inside
    // wrow, only when TJ is a multiple of 2W.
    static_assert(TJ % (2 * simd_width) == 0, "gemm_tile: the word rows (wrow) need tile_j a multiple of 2 * simd_width");
    alignas(64) std::uint32_t wrow[2][TJ + 2 * simd_width];
    auto wv = [&](std::size_t r, std::size_t q, std::size_t op) -> vu {
      if (el_run) {
        std::uint32_t* w = wrow[op & 1];
        const std::uint64_t e0 = el[r][0], base = e0 & ~std::uint64_t{3};
        if (q == 0) {
          const simd::philox_key key = simd::philox_key_of(src.seed, static_cast<std::uint32_t>(op));
          for (std::size_t t = 0; t < (e0 - base) + nv; t += 2 * simd::W) {
            vu lo, hi;
            simd::philox_words2_v(key, base + t, lo, hi);
            simd::storeu32(w + t, lo);
            simd::storeu32(w + t + simd::W, hi);
          }
        }
        return simd::loadu32(w + (e0 - base) + q);
      }
      return simd::philox_word_v(src.seed, &el[r][q], static_cast<std::uint32_t>(op));
    };
    vu fv = simd::U(0);
    vi cnf = simd::I(0);  // light steps: a chunk partial ended non-finite
    simd::bits_range rp = simd::bits_range_wide<FP>(), rc = simd::bits_range_wide<FC>();
#endif
    // One k step of every row; Full: every flag (see above).
    auto step = [&](auto full_c, std::size_t kk) {
      [[maybe_unused]] constexpr bool Full = decltype(full_c)::value;
      const float* brow = Bq + kk * ldb_q + j0;
      const std::size_t op_p = 2 * (k_base + kk) + 1, op_c = 2 * (k_base + kk) + 2;
      const bool chunk_end = chunk && ((k_base + kk + 1) % chunk_length<Kind>::value == 0 || k_base + kk + 1 == k_total);
      for (std::size_t r = 0; r < ni; ++r) {
        const float av = Aq[(i0 + r) * lda_q + kk];
        float* ar = acc[r];
        float* pr = part[r];
        std::size_t q = 0;
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
        const vf avv = simd::F(av);
        for (; q < nv; q += simd::W) {
          const vf bv = simd::load(brow + q);
          if constexpr (std::is_same_v<Kind, per_operation>) {
            auto nan_ab = [&] { return simd::is_nan(avv) | simd::is_nan(bv); };
            const vf prod = avv * bv;
            const vf p = op_round_v<FP, MP, Full>(prod, simd::F(0.0f), sp ? wv(r, q, op_p) : simd::U(0), simd::I(0), fv, rp, nan_ab);
            if constexpr (!Full && lane_is_float_rn<FP, MP> && !FC::has_nan)  // no NaN to leave a trace
              fv |= simd::flag_if(simd::is_nan(prod) & ~nan_ab(), status::invalid);
            const vf a0 = simd::load(ar + q);
            simd::store(ar + q, add_op_v<FC, MC, Full>(a0, p, sc ? wv(r, q, op_c) : simd::U(0), fv, rc,
                                                       [&] { return simd::is_nan(a0) | simd::is_nan(p); }));
          } else if constexpr (std::is_same_v<Kind, fused>) {
            const vf a0 = simd::load(ar + q);
            simd::store(ar + q, add_op_v<FC, MC, Full>(avv * bv, a0, sc ? wv(r, q, op_c) : simd::U(0), fv, rc,
                                                       [&] { return simd::is_nan(avv) | simd::is_nan(bv) | simd::is_nan(a0); }));
          } else {  // chunked, binary32 partials: exact products, one RN32 per step
            const vf pv = part_step_v<Full>(avv, bv, simd::load(pr + q), fv);
            simd::store(pr + q, pv);
            if (chunk_end) {
              if constexpr (!Full) cnf |= ~simd::is_finite(pv);
              const vf a0 = simd::load(ar + q);
              simd::store(ar + q, add_op_v<FC, MC, Full>(a0, pv, sc ? wv(r, q, op_c) : simd::U(0), fv, rc,
                                                         [&] { return simd::is_nan(a0) | simd::is_nan(pv); }));
              simd::store(pr + q, simd::F(0.0f));
            }
          }
        }
#endif
        for (; q < nj; ++q) {  // scalar lanes: every flag
          if constexpr (std::is_same_v<Kind, per_operation>) {
            const float b = brow[q];
            const float p = op_round_s<FP, MP>(av * b, 0.0f, sp ? wd(r, q, op_p) : 0, false, f, nanf(av) || nanf(b));
            ar[q] = add_op_s<FC, MC>(ar[q], p, sc ? wd(r, q, op_c) : 0, f, nanf(ar[q]) || nanf(p));
          } else if constexpr (std::is_same_v<Kind, fused>) {
            const float b = brow[q];
            ar[q] = add_op_s<FC, MC>(av * b, ar[q], sc ? wd(r, q, op_c) : 0, f, nanf(av) || nanf(b) || nanf(ar[q]));
          } else {
            pr[q] = part_step_s(av, brow[q], pr[q], f);
            if (chunk_end) {
              ar[q] = add_op_s<FC, MC>(ar[q], pr[q], sc ? wd(r, q, op_c) : 0, f, nanf(ar[q]) || nanf(pr[q]));
              pr[q] = 0.0f;
            }
          }
        }
      }
    };
    [[maybe_unused]] std::uint32_t have = known | f;
    bool light = false;
    std::size_t kk = 0;
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    // Full steps until the call's inexact flag is known, then light ones (their range fixed for
    // the tile: a narrower one is only slower, never wrong; no per-step reduction of the flags).
    for (; kk < K && !(have & status::inexact); ++kk) {
      step(std::true_type{}, kk);
      have |= f | simd::reduce_or(fv);
    }
    if (kk < K) {
      light = true;
      rp = simd::bits_range_for<FP>(have), rc = simd::bits_range_for<FC>(have);
      for (; kk < K; ++kk) step(std::false_type{}, kk);
    }
#endif
    for (; kk < K; ++kk) step(std::true_type{}, kk);
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    if constexpr (traced) {
      constexpr std::uint32_t ovf_inv = std::uint32_t{status::overflow} | status::invalid;
      if (light && ((have | simd::reduce_or(fv)) & ovf_inv) != ovf_inv) {
        bool nonfinite = !simd::all_true(~cnf);
        for (std::size_t r = 0; r < ni && !nonfinite; ++r)
          for (std::size_t q = 0; q < nv; ++q) nonfinite = nonfinite || (fbits(acc[r][q]) & 0x7F800000u) == 0x7F800000u;
        if (nonfinite) {  // the trace re-run: the same values, every flag
          std::memcpy(acc, acc0, sizeof acc);
          for (std::size_t r = 0; r < TI; ++r)
            for (std::size_t q = 0; q < TJ; ++q) part[r][q] = 0.0f;
          for (std::size_t kk = 0; kk < K; ++kk) step(std::true_type{}, kk);
        }
      }
    }
    f |= simd::reduce_or(fv);
#endif
    (void)nv, (void)wd, (void)light, (void)acc0;
    for (std::size_t r = 0; r < ni; ++r)
      for (std::size_t q = 0; q < nj; ++q) store(i0 + r, j0 + q, lane_encode<FC>(acc[r][q]), f);
  } else {
    using FA = typename P::FA;
    using FB = typename P::FB;
    using X = exact_range_for<FA, FB, FC>;
    using floatlab::detail::unpack;
    using floatlab::detail::unpacked;
    using floatlab::detail::value_class;
    (void)known;
    for (std::size_t r = 0; r < ni; ++r)
      for (std::size_t q = 0; q < nj; ++q) {
        const std::size_t i = i0 + r, j = j0 + q;
        const std::uint64_t e = elem(i, j);
        SC acc = init(i, j, f);
        const unpacked* arow = Aq + i * lda_q;
        auto bval = [&](std::size_t kk) -> const unpacked& { return Bq[kk * ldb_q + j]; };
        auto word = [&](std::size_t op) -> std::uint32_t { return src.word(e, static_cast<std::uint32_t>(op)); };
        if constexpr (std::is_same_v<Kind, per_operation>) {
          for (std::size_t kk = 0; kk < K; ++kk) {
            const unpacked& a = arow[kk];
            const unpacked& b = bval(kk);
            const unpacked pu = unpack<FP>(
                finish_flags<FP, MP>(floatlab::detail::mul(a, b), is_stochastic_v<MP> ? word(2 * (k_base + kk) + 1) : 0, f, a, b));
            const unpacked au = unpack<FC>(acc);
            acc = finish_flags<FC, MC>(floatlab::detail::add<MC>(au, pu), is_stochastic_v<MC> ? word(2 * (k_base + kk) + 2) : 0, f, au, pu);
          }
        } else if constexpr (std::is_same_v<Kind, fused>) {
          for (std::size_t kk = 0; kk < K; ++kk) {
            const unpacked& a = arow[kk];
            const unpacked& b = bval(kk);
            const unpacked au = unpack<FC>(acc);
            acc = finish_flags<FC, MC>(floatlab::detail::fma<MC>(a, b, au), is_stochastic_v<MC> ? word(2 * (k_base + kk) + 2) : 0, f, a, b, au);
          }
        } else if constexpr (std::is_same_v<typename Kind::partial, binary32>) {
          using F32 = floatlab::detail::binary32_format;
          std::uint32_t part = 0;
          for (std::size_t kk = 0; kk < K; ++kk) {
            const unpacked& a = arow[kk];
            const unpacked& b = bval(kk);
            const unpacked pu = unpack<F32>(part);
            part = finish_flags<F32, round::nearest_even>(floatlab::detail::fma<round::nearest_even>(a, b, pu), 0, f, a, b, pu);
            if ((k_base + kk + 1) % Kind::length == 0 || k_base + kk + 1 == k_total) {
              const unpacked au = unpack<FC>(acc), qu = unpack<F32>(part);
              acc = finish_flags<FC, MC>(floatlab::detail::add<MC>(au, qu), is_stochastic_v<MC> ? word(2 * (k_base + kk) + 2) : 0, f, au, qu);
              part = 0;
            }
          }
        } else if constexpr (std::is_same_v<typename Kind::partial, sm90_mma>) {
          // The tensor core's sum of each chunk: blocks of 16 k through the model, from +0.
          unpacked bcol[detail::mma_block];
          std::uint32_t part = 0;
          for (std::size_t k0 = 0; k0 < K; k0 += detail::mma_block) {
            const std::size_t nb = std::min<std::size_t>(detail::mma_block, K - k0);
            for (std::size_t t = 0; t < nb; ++t) bcol[t] = bval(k0 + t);
            part = detail::sm90_mma_block<FA::fraction_bits>(arow + k0, bcol, static_cast<int>(nb), part, &f);
            if ((k_base + k0 + nb) % Kind::length == 0 || k_base + k0 + nb == k_total) {
              using F32 = floatlab::detail::binary32_format;
              const unpacked au = unpack<FC>(acc), qu = unpack<F32>(part);
              acc = finish_flags<FC, MC>(floatlab::detail::add<MC>(au, qu),
                                         is_stochastic_v<MC> ? word(2 * (k_base + k0 + nb - 1) + 2) : 0, f, au, qu);
              part = 0;
            }
          }
        } else {  // exact partials: acc + the chunk's exact products, rounded once
          for (std::size_t k0 = 0; k0 < K; k0 += Kind::length) {
            const std::size_t k1 = std::min(K, k0 + Kind::length);
            exact_accumulator<X::lo, X::limbs> x;
            const auto au = unpack<FC>(acc);
            x.add(au);
            bool any_nonzero = au.cls != value_class::zero, sgn = au.sign;
            // The classes finish_status reads of the operands: a NaN among them, else an infinity.
            unpacked special{value_class::zero, false, 0, 0};
            for (std::size_t kk = k0; kk < k1; ++kk) {
              const unpacked& a = arow[kk];
              const unpacked& b = bval(kk);
              x.add_product(a, b);
              if (a.cls != value_class::zero && b.cls != value_class::zero) any_nonzero = true;
              sgn = floatlab::detail::zero_sum_sign<MC>(sgn, a.sign != b.sign);
              for (const unpacked* u : {&a, &b})
                if (u->cls == value_class::nan || (u->cls == value_class::inf && special.cls != value_class::nan)) special.cls = u->cls;
            }
            const auto v = x.value();
            if (v.cls == value_class::zero)
              acc = floatlab::detail::pack_zero<FC>(any_nonzero ? std::is_same_v<MC, round::downward> : sgn);
            else
              acc = finish_flags<FC, MC>(v, is_stochastic_v<MC> ? word(2 * (k_base + k1 - 1) + 2) : 0, f, au, special);
          }
        }
        store(i, j, acc, f);
      }
  }
  return f;
}

// The prologue and epilogue of one output element (alpha, beta, conversion to TC), each
// rounding's flags (the scalar _status forms') ORed into the flags argument. scalar_flags:
// those of rounding alpha (when alpha != 1) and beta (when beta != 0) to Acc, which the call
// reports once.
template <class P, class TC>
struct gemm_ends {
  using FC = typename P::FC;
  using MC = typename P::MC;
  using SC = typename FC::storage;
  bool alpha_one, beta_zero, beta_one;
  floatlab::detail::unpacked alpha_u, beta_u;
  std::uint32_t op_alpha, op_beta, op_out;
  counter_source src;
  std::uint32_t scalar_flags = 0;

  static floatlab::detail::unpacked scalar(double x, std::uint32_t& flags) noexcept {
    const auto q = convert_status<typename P::Acc>(x, round::nearest_even{});
    flags |= q.flags.flags;
    return floatlab::detail::unpack<FC>(q.value.bits());
  }
  gemm_ends(double alpha, double beta, std::size_t K, counter_source s) noexcept
      : alpha_one(alpha == 1.0), beta_zero(beta == 0.0), beta_one(beta == 1.0),
        op_alpha(static_cast<std::uint32_t>(2 * K + 1)), op_beta(static_cast<std::uint32_t>(2 * K + 2)),
        op_out(static_cast<std::uint32_t>(2 * K + 3)), src(s) {
    std::uint32_t fa = 0, fb = 0;
    alpha_u = scalar(alpha, fa);
    beta_u = scalar(beta, fb);
    scalar_flags = (alpha_one ? 0u : fa) | (beta_zero ? 0u : fb);
  }

  std::uint32_t w(std::uint64_t e, std::uint32_t op) const noexcept { return is_stochastic_v<MC> ? src.word(e, op) : 0; }
  SC beta_c(const TC& cv, std::uint64_t e, std::uint32_t& flags) const noexcept {
    if (beta_one) {  // c rounded to Acc: a conversion
      const auto q = convert_status<typename P::Acc>(cv, MC{}, fixed_word{w(e, 0)});
      flags |= q.flags.flags;
      return q.value.bits();
    }
    const auto cu = unpack_any(cv);
    return finish_flags<FC, MC>(floatlab::detail::mul(beta_u, cu), w(e, 0), flags, beta_u, cu);
  }
  SC init(const TC* cp, std::uint64_t e, std::uint32_t& flags) const noexcept {
    if (beta_zero || !alpha_one) return floatlab::detail::pack_zero<FC>(false);
    return beta_c(*cp, e, flags);
  }
  TC finish(const TC* cp, std::uint64_t e, SC acc, std::uint32_t& flags) const noexcept {
    if (!alpha_one) {
      const auto au = floatlab::detail::unpack<FC>(acc);
      acc = finish_flags<FC, MC>(floatlab::detail::mul(alpha_u, au), w(e, op_alpha), flags, alpha_u, au);
      if (!beta_zero) {
        const auto xu = floatlab::detail::unpack<FC>(acc), yu = floatlab::detail::unpack<FC>(beta_c(*cp, e, flags));
        acc = finish_flags<FC, MC>(floatlab::detail::add<MC>(xu, yu), w(e, op_beta), flags, xu, yu);
      }
    }
    using MOut = typename P::MOut;
    const typename P::Acc av = P::Acc::from_bits(acc);
    if constexpr (is_cfloat_v<TC>) {
      const auto q = convert_status<TC>(av, MOut{}, fixed_word{is_stochastic_v<MOut> ? src.word(e, op_out) : 0});
      flags |= q.flags.flags;
      return q.value;
    } else {
      const auto q = convert_status<TC>(av, round::nearest_even{});
      flags |= q.flags.flags;
      return q.value;
    }
  }
};
}  // namespace detail

// GEMM: see the top of the file. TA, TB: float, double or cfloat arrays; TC: float, double
// or cfloat. Trailing (mode): every rounding of the op in that mode; (source) / (mode, source):
// the counter-based words for stochastic modes.
template <class Recipe, class AV, class BV, class CV, class... Args>
status gemm(const gemm_shape& shape, AV&& a_c, BV&& b_c, CV&& c_c, Args&&... args) {
  static_assert(sizeof...(Args) <= 2, "gemm<Recipe>(shape, a, b, c [, mode] [, source])");
  using TA = std::remove_const_t<detail::view_elem_t<AV>>;
  using TB = std::remove_const_t<detail::view_elem_t<BV>>;
  using TC = detail::view_elem_t<CV>;
  static_assert(!std::is_const_v<TC>, "gemm: C must be writable");
  using P = detail::gemm_plan<Recipe, TC, Args...>;
  detail::require_source<P::template stochastic<TA, TB>, detail::has_source_v<std::decay_t<Args>...>>();
  using Q = typename P::panel_t;

  const array_view<const TA> a = detail::as_const(detail::as_view(a_c));
  const array_view<const TB> b = detail::as_const(detail::as_view(b_c));
  const array_view<TC> c = detail::as_view(c_c);
  detail::gemm_geom g{};
  if (const status st = detail::check_gemm(shape, a, b, c, g); st.rejected()) return st;
  if (g.batch == 0 || g.m == 0 || g.n == 0) return {};
  const counter_source src = detail::source_of(args...);
  const std::size_t M = g.m, N = g.n, K = g.k;
  const detail::gemm_ends<P, TC> ends(shape.alpha, shape.beta, K, src);
  // IEEE flags of every rounding, ORed over threads (order-free, so deterministic).
  std::atomic<std::uint32_t> flags{ends.scalar_flags};
  // Small matrices in a batch: threads over the batch (each GEMM serial), else over tiles.
  const bool small = M * N * (K + 1) < (std::size_t{1} << 16);
  auto one = [&](std::size_t bt) {
    std::vector<Q> Aq(M * K), Bq(K * N);
    const TA* A = a.data + bt * g.sa;
    const TB* B = b.data + bt * g.sb;
    TC* C = c.data + bt * g.sc;
    // 1. Inputs rounded to InA / InB once, into row-major panels: Aq is M x K, Bq is K x N.
    //    Contiguous rows of float (or lane-format) inputs go through quantize's lane rounding
    //    (quantize_run: the same roundings and words as panel_value, proven equal to convert in
    //    tests/tensor_simd_check.cpp and tests/test_tensor_lane.cpp).
    detail::parallel_for(M, [&](std::size_t i) {
      std::uint32_t f = 0;
      if constexpr (P::lane && detail::reads_as_float_v<TA>) {
        if (g.ak == 1) {
          f = detail::quantize_run<typename P::FA, typename P::MA>(A + i * g.ai, Aq.data() + i * K, K, (bt * M + i) * K, src, op_input_a);
          flags.fetch_or(f, std::memory_order_relaxed);
          return;
        }
      }
      for (std::size_t kk = 0; kk < K; ++kk)
        Aq[i * K + kk] = detail::panel_value<P, typename P::InA, typename P::MA>(A[i * g.ai + kk * g.ak], src,
                                                                                 (bt * M + i) * K + kk, op_input_a, f);
      flags.fetch_or(f, std::memory_order_relaxed);
    }, 16);
    detail::parallel_for(K, [&](std::size_t kk) {
      std::uint32_t f = 0;
      if constexpr (P::lane && detail::reads_as_float_v<TB>) {
        if (g.bj == 1) {
          f = detail::quantize_run<typename P::FB, typename P::MB>(B + kk * g.bk, Bq.data() + kk * N, N, (bt * K + kk) * N, src, op_input_b);
          flags.fetch_or(f, std::memory_order_relaxed);
          return;
        }
      }
      for (std::size_t j = 0; j < N; ++j)
        Bq[kk * N + j] = detail::panel_value<P, typename P::InB, typename P::MB>(B[kk * g.bk + j * g.bj], src,
                                                                                 (bt * K + kk) * N + j, op_input_b, f);
      flags.fetch_or(f, std::memory_order_relaxed);
    }, 16);
    // 2. Output tiles, threads over tiles.
    const std::size_t tiles_i = (M + detail::tile_i - 1) / detail::tile_i, tiles_j = (N + detail::tile_j - 1) / detail::tile_j;
    auto elem = [&](std::size_t i, std::size_t j) -> std::uint64_t { return (bt * M + i) * N + j; };
    auto init = [&](std::size_t i, std::size_t j, std::uint32_t& f) { return ends.init(C + i * g.ci + j * g.cj, elem(i, j), f); };
    auto store = [&](std::size_t i, std::size_t j, typename P::FC::storage acc, std::uint32_t& f) {
      TC* cp = C + i * g.ci + j * g.cj;
      // A float C with alpha == 1: finish is the exact conversion of an accumulator that lives
      // in float, i.e. its lane value (NaN: the quiet NaN that both give).
      if constexpr (P::lane && std::is_same_v<TC, float>) {
        if (ends.alpha_one) {
          *cp = detail::lane_decode<typename P::FC>(acc);
          return;
        }
      }
      *cp = ends.finish(cp, elem(i, j), acc, f);
    };
    detail::parallel_for(tiles_i * tiles_j, [&](std::size_t tile) {
      const std::size_t i0 = (tile / tiles_j) * detail::tile_i, j0 = (tile % tiles_j) * detail::tile_j;
      const std::uint32_t f = detail::gemm_tile<P>(Aq.data(), K, Bq.data(), N, i0, std::min(detail::tile_i, M - i0), j0,
                                                   std::min(detail::tile_j, N - j0), K, src, elem, init, store, 0, 0,
                                                   flags.load(std::memory_order_relaxed));
      flags.fetch_or(f, std::memory_order_relaxed);
    });
  };
  if (small && g.batch > 1) detail::parallel_for(g.batch, one, 64);
  else for (std::size_t bt = 0; bt < g.batch; ++bt) one(bt);
  status st;
  st.flags = flags.load();
  return st;
}

}  // namespace floatlab::tensor
