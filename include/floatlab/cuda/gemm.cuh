// floatlab/cuda/gemm.cuh: C = alpha * A B + beta * C on the GPU with per-operation rounding,
// bit-identical to the host's floatlab::tensor::gemm (issue 13, tensor/gemm.hpp).
//
//   status gemm<Recipe>(const gemm_shape& s, const TA* a, const TB* b, TC* c, cudaStream_t stream
//                       [, mode] [, counter_source])
//     The host's own types: tensor::gemm_shape (m, n, k; row- or column-major `order`;
//     trans_a / trans_b; leading dimensions (0: tight); strided batches; alpha, beta) and
//     tensor::gemm_recipe<InA, Prod, Acc, Kind = per_operation, InB = InA> with Kind
//     per_operation, fused or chunked<L> (binary32 partials, or sm90_mma: the tensor cores of
//     an H100 / H200, bit-identical to the host's model; exact partials are host-only).
//     TA, TB: float, double or cfloat; TC: float, double or cfloat. Checked by the host's own
//     check_gemm, plus device pointers and alignment.
//
// Semantics (the host's, docs/tensor.md of issue 13; restated so this file can be checked):
//   inputs rounded once to InA / InB (A element (bt, i, k): e = (bt*M + i)*K + k, op 0xFFFFFFF0;
//   B element (bt, k, j): e = (bt*K + k)*N + j, op 0xFFFFFFF1; an input already of type InA /
//   InB is used as is); per output element (e = (bt*M + i)*N + j), k = 0..K-1 in order:
//     per_operation: p = round_Prod(a*b) [op 2k+1]; acc = round_Acc(acc + p) [op 2k+2]
//     fused:         acc = round_Acc(acc + a*b) [op 2k+2] (exact product, one rounding)
//     chunked<L>:    part = RN32(part + a*b) per step from +0; at the end of each chunk of L
//                    consecutive k (and at k = K-1): acc = round_Acc(acc + part) [op 2k+2]
//   alpha/beta (both first rounded to Acc, nearest even): beta == 0: C is not read. alpha == 1,
//   beta != 0: acc starts from round_Acc(beta*c) [op 0] (c rounded to Acc for beta == 1).
//   alpha != 1: acc starts from +0 and ends as round_Acc(round_Acc(alpha*acc) [op 2K+1] +
//   round_Acc(beta*c) [op 0]) [op 2K+2]. Written as TC: rounded once [op 2K+3] in TC's mode
//   (cfloat) or to nearest even (float/double).
//   A trailing mode replaces the mode of every format (InA, InB, Prod, Acc, TC).
//
// Kernels: 64 x 64 output tile per block of 256 threads, each thread 4 x 4 outputs (rows
// ty + 16r, columns tx + 16c), k in shared-memory tiles of 16 (scalar core, lane route); the
// native route 128 x 128 tiles, 8 x 8 outputs a thread (native_tile_kernel); the inputs are rounded while
// the tiles are loaded (the same word for the same element in every block, so recomputing is
// harmless and nothing is allocated; float -> binary16 / bfloat16 nearest-even inputs take the
// hardware conversion of common.cuh). Each output element's steps run k = 0..K-1 in order in
// one thread, so the result is the host's whatever the tiling.
// Rounding: the scalar core (detail::mul / add / fma + finish = round_pack) in device code,
// except the native route: Prod = Acc = binary16 or bfloat16 (IEEE, nearest even), inputs
// whose values all embed exactly in it (binary16: e5m2, e4m3, ...; bfloat16: e4m3, e5m2, ...),
// per_operation or fused: paired __hmul2_rn + __hadd2_rn (or __hfma2) on __half2 /
// __nv_bfloat162, each lane a correctly rounded IEEE operation (two output columns per
// instruction); NaN results are re-encoded as the core's NaN at the end. Proven equal to the
// core exhaustively over all pairs of operands of each format (and fma on a structured +
// random set) in tests/cuda/tensor_kernels.cu.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstring>

#include "../tensor/gemm.hpp"
#include "common.cuh"

namespace floatlab::cuda {

// One API with the host: the shape, recipe, kinds, layout and op numbers are the host's own
// types (tensor/gemm.hpp), so one gemm_shape and one recipe run on either side.
using tensor::chunked;
using tensor::exact_partial;
using tensor::fused;
using tensor::gemm_recipe;
using tensor::gemm_shape;
using tensor::is_chunked;
using tensor::layout;
using tensor::max_k;
using tensor::op_input_a;
using tensor::op_input_b;
using tensor::op_t;
using tensor::per_operation;
using tensor::sm90_mma;

namespace detail {

template <class F>
inline constexpr bool is_binary16_format_v = std::is_same_v<F, typename binary16::format_type>;

template <class F>
inline constexpr bool is_bfloat16_format_v = std::is_same_v<F, typename bfloat16::format_type>;

// Every value of F is a value of the 16-bit IEEE format Native (binary16 or bfloat16), so
// converting F -> Native is exact.
template <class Native, class F>
inline constexpr bool embeds_in_v =
    F::total_bits <= 16 && F::fraction_bits <= Native::fraction_bits&& F::emax <=
                               Native::emax&& F::emin - F::fraction_bits >= Native::emin - Native::fraction_bits;
template <class F>
inline constexpr bool embeds_in_binary16_v = embeds_in_v<typename binary16::format_type, F>;

using tensor::detail::chunk_lane_ok;
using tensor::detail::mode_or;

// The formats and modes of one call (host gemm_plan's rules).
template <class Recipe, class TC, class... Args>
struct gemm_plan {
  using targs = tail_args<round::nearest_even, std::decay_t<Args>...>;
  static constexpr bool has_mode = targs::has_mode;
  using TMode = typename targs::mode;
  template <class T>
  using pick = typename pick_mode<T, TMode, has_mode>::type;
  using InA = pick<typename Recipe::in_a>;
  using InB = pick<typename Recipe::in_b>;
  using Prod = pick<typename Recipe::product>;
  using Acc = pick<typename Recipe::accumulate>;
  using Out = pick<TC>;
  using Kind = typename Recipe::kind;
  // The tensor-core route: chunked<L, sm90_mma> (binary16 / bfloat16 inputs), mma.sync.
  static constexpr bool tensor_core =
      is_chunked<Kind>::value && std::is_same_v<typename tensor::chunk_partial<Kind>::type, sm90_mma>;
  static_assert(
      chunk_lane_ok<Kind>::value || tensor_core,
      "cuda::gemm: chunked<L, exact_partial> (exact partial sums) is not on the GPU yet: use binary32 partials");
  using MA = typename InA::rounding_mode;
  using MB = typename InB::rounding_mode;
  using MP = typename Prod::rounding_mode;
  using MC = typename Acc::rounding_mode;
  using MOut = typename mode_or<Out, round::nearest_even>::type;
  using FA = typename InA::format_type;
  using FB = typename InB::format_type;
  using FP = typename Prod::format_type;
  using FC = typename Acc::format_type;
  using SA = typename FA::storage;
  using SB = typename FB::storage;
  using SC = typename FC::storage;
  static constexpr bool per_op = std::is_same_v<Kind, per_operation>;
  static constexpr bool is_fused = std::is_same_v<Kind, fused>;
  // The native route: Prod = Acc = binary16 or bfloat16 (IEEE, nearest even), inputs that
  // embed in it exactly, per_operation or fused: the hardware's paired instructions.
  static constexpr bool native =
      (is_binary16_format_v<FC> || is_bfloat16_format_v<FC>)&&std::is_same_v<MC, round::nearest_even> &&
      embeds_in_v<FC, FA> && embeds_in_v<FC, FB> &&
      (is_fused || (per_op && std::is_same_v<FP, FC> && std::is_same_v<MP, round::nearest_even>));
  // The lane route (the host gemm_plan's `lane`, tensor/lane.hpp): inputs, products and
  // accumulators held as floats, each step one float operation (TwoSum for its error) and the
  // branch-free round_lane; exact because the product of two inputs is exact in float and the
  // accumulator keeps a spare bit below its last place (R + 1 for stochastic<R>).
  //
  // Products that are not exact in float (binary32 inputs, the FP32 recipe) still take the
  // lane route where each step is one correctly rounded binary32 operation: a chunked
  // partial (__fmaf_rn, as the exact product would give), a fused step into a binary32
  // nearest-even accumulator (__fmaf_rn), a per-operation step with binary32 nearest-even
  // products and accumulator (__fmul_rn, then an add): IEEE binary32 with subnormals, which
  // is what the core computes (the .rn intrinsics are never contracted).
  static constexpr bool lane_exact_products = tensor::detail::lane_product_exact2<FA, FB>;
  static constexpr bool lane_float_steps =
      is_chunked<Kind>::value || (is_fused && tensor::detail::lane_is_float_rn<FC, MC>) ||
      (per_op && tensor::detail::lane_is_float_rn<FP, MP> && tensor::detail::lane_is_float_rn<FC, MC>);
  static constexpr bool lane = !native && !tensor_core && tensor::detail::lane_ok<FA> && tensor::detail::lane_ok<FB> &&
                               (lane_exact_products || lane_float_steps) && tensor::detail::lane_ok<FP> &&
                               (tensor::detail::lane_sum_ok<FC, MC> || tensor::detail::lane_is_float_rn<FC, MC>);
  template <class TA, class TB>
  static constexpr bool stochastic = (is_stochastic_v<MA> && !std::is_same_v<TA, InA>) ||
                                     (is_stochastic_v<MB> && !std::is_same_v<TB, InB>) ||
                                     (is_stochastic_v<MP> && per_op) || is_stochastic_v<MC> ||
                                     (is_stochastic_v<MOut> && is_cfloat_v<Out>);
};

// The native route's operations: one correctly rounded IEEE operation each in binary16 or
// bfloat16 (PTX mul.rn / add.rn / fma.rn on f16, bf16 and their x2 pairs: the .rn forms are
// never contracted; bfloat16 add/mul are native from sm_90 and one fma.rn with -0 / 1 on
// sm_80, a single rounding either way). NaN payloads differ from the core's NaN: fix_nan
// re-encodes them (applied to every value that leaves the route). Proven equal to the core
// over all 2^32 operand pairs of each format (tests/cuda/tensor_kernels.cu).
template <class F>
struct native_ops;
template <>
struct native_ops<typename binary16::format_type> {
  using scalar = __half;
  using pair = __half2;
  static __device__ __forceinline__ scalar from_bits(std::uint16_t b) { return __ushort_as_half(b); }
  static __device__ __forceinline__ std::uint16_t bits(scalar x) { return __half_as_ushort(x); }
  static __device__ __forceinline__ pair make(scalar lo, scalar hi) { return __halves2half2(lo, hi); }
  static __device__ __forceinline__ scalar lo(pair x) { return __low2half(x); }
  static __device__ __forceinline__ scalar hi(pair x) { return __high2half(x); }
  static __device__ __forceinline__ scalar mul(scalar a, scalar b) { return __hmul_rn(a, b); }
  static __device__ __forceinline__ scalar add(scalar a, scalar b) { return __hadd_rn(a, b); }
  static __device__ __forceinline__ scalar fma(scalar a, scalar b, scalar c) { return __hfma(a, b, c); }
  static __device__ __forceinline__ pair mul(pair a, pair b) { return __hmul2_rn(a, b); }
  static __device__ __forceinline__ pair add(pair a, pair b) { return __hadd2_rn(a, b); }
  static __device__ __forceinline__ pair fma(pair a, pair b, pair c) { return __hfma2(a, b, c); }
  static FLOATLAB_HOST_DEVICE constexpr std::uint16_t fix_nan(std::uint16_t b) noexcept {
    return canonical_nan<typename binary16::format_type>(b);
  }
};
template <>
struct native_ops<typename bfloat16::format_type> {
  using scalar = __nv_bfloat16;
  using pair = __nv_bfloat162;
  static __device__ __forceinline__ scalar from_bits(std::uint16_t b) { return __ushort_as_bfloat16(b); }
  static __device__ __forceinline__ std::uint16_t bits(scalar x) { return __bfloat16_as_ushort(x); }
  static __device__ __forceinline__ pair make(scalar lo, scalar hi) { return __halves2bfloat162(lo, hi); }
  static __device__ __forceinline__ scalar lo(pair x) { return __low2bfloat16(x); }
  static __device__ __forceinline__ scalar hi(pair x) { return __high2bfloat16(x); }
  static __device__ __forceinline__ scalar mul(scalar a, scalar b) { return __hmul_rn(a, b); }
  static __device__ __forceinline__ scalar add(scalar a, scalar b) { return __hadd_rn(a, b); }
  static __device__ __forceinline__ scalar fma(scalar a, scalar b, scalar c) { return __hfma(a, b, c); }
  static __device__ __forceinline__ pair mul(pair a, pair b) { return __hmul2_rn(a, b); }
  static __device__ __forceinline__ pair add(pair a, pair b) { return __hadd2_rn(a, b); }
  static __device__ __forceinline__ pair fma(pair a, pair b, pair c) { return __hfma2(a, b, c); }
  static FLOATLAB_HOST_DEVICE constexpr std::uint16_t fix_nan(std::uint16_t b) noexcept {
    return canonical_nan<typename bfloat16::format_type>(b);
  }
};

// The prologue and epilogue of one output element (alpha, beta, the conversion to TC): the
// host's gemm_ends, with alpha and beta already rounded to Acc on the host.
template <class P>
struct gemm_ends {
  using FC = typename P::FC;
  using MC = typename P::MC;
  using SC = typename P::SC;
  bool alpha_one, beta_zero, beta_one;
  fd::unpacked alpha_u, beta_u;
  std::uint32_t op_alpha, op_beta, op_out;
  std::uint64_t seed;

  static fd::unpacked scalar(double x) noexcept {
    return fd::unpack<FC>(
        fd::convert_bits<FC, fd::binary64_format, round::nearest_even>(bit_cast<std::uint64_t>(x), 0));
  }
  static gemm_ends make(double alpha, double beta, std::size_t K, std::uint64_t seed) noexcept {
    return {alpha == 1.0,
            beta == 0.0,
            beta == 1.0,
            scalar(alpha),
            scalar(beta),
            static_cast<std::uint32_t>(2 * K + 1),
            static_cast<std::uint32_t>(2 * K + 2),
            static_cast<std::uint32_t>(2 * K + 3),
            seed};
  }
  FLOATLAB_HOST_DEVICE std::uint32_t w(std::uint64_t e, std::uint32_t op) const noexcept {
    return draw(is_stochastic_v<MC>, seed, e, op);
  }
  template <class TC>
  FLOATLAB_HOST_DEVICE SC beta_c(const TC& cv, std::uint64_t e) const noexcept {
    const fd::unpacked cu = unpack_any(cv);
    if (beta_one) return fd::finish<FC, MC>({cu.cls, cu.sign, cu.exp, cu.sig, false}, w(e, 0));
    return fd::finish<FC, MC>(fd::mul(beta_u, cu), w(e, 0));
  }
  template <class TC>
  FLOATLAB_HOST_DEVICE SC init(const TC* cp, std::uint64_t e) const noexcept {
    if (beta_zero || !alpha_one) return fd::pack_zero<FC>(false);
    return beta_c(*cp, e);
  }
  template <class TC>
  FLOATLAB_HOST_DEVICE TC finish(const TC* cp, std::uint64_t e, SC acc) const noexcept {
    if (!alpha_one) {
      acc = fd::finish<FC, MC>(fd::mul(alpha_u, fd::unpack<FC>(acc)), w(e, op_alpha));
      if (!beta_zero)
        acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<FC>(beta_c(*cp, e))), w(e, op_beta));
    }
    using MOut = typename P::MOut;
    return write_out<TC, FC, MOut>(acc, draw(is_stochastic_v<MOut>, seed, e, op_out));
  }
};

// One step k of one output element on the scalar core (host-callable: the tests' reference
// loops call these same steps). part: the chunked binary32 partial (bits).
template <class P>
FLOATLAB_HOST_DEVICE void gemm_step(typename P::SC& acc, std::uint32_t& part, typename P::SA a, typename P::SB b,
                                    std::uint64_t seed, std::uint64_t e, std::uint32_t k, std::uint32_t K) noexcept {
  using FP = typename P::FP;
  using FC = typename P::FC;
  using MP = typename P::MP;
  using MC = typename P::MC;
  const fd::unpacked ua = fd::unpack<typename P::FA>(a), ub = fd::unpack<typename P::FB>(b);
  if constexpr (P::per_op) {
    const auto p = fd::finish<FP, MP>(fd::mul(ua, ub), draw(is_stochastic_v<MP>, seed, e, 2 * k + 1));
    acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<FP>(p)),
                             draw(is_stochastic_v<MC>, seed, e, 2 * k + 2));
  } else if constexpr (P::is_fused) {
    acc = fd::finish<FC, MC>(fd::fma<MC>(ua, ub, fd::unpack<FC>(acc)), draw(is_stochastic_v<MC>, seed, e, 2 * k + 2));
  } else {
    using F32 = fd::binary32_format;
    part = fd::finish<F32, round::nearest_even>(fd::fma<round::nearest_even>(ua, ub, fd::unpack<F32>(part)), 0);
    if ((k + 1) % P::Kind::length == 0 || k + 1 == K) {
      acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<F32>(part)),
                               draw(is_stochastic_v<MC>, seed, e, 2 * k + 2));
      part = 0;
    }
  }
}

// A GEMM as a tile problem: element (i, k) of op(A) at a[z*sa + i*ai + k*ak], (k, j) of op(B)
// at b[z*sb + k*bk + j*bj], C(i, j) at c[z*sc + i*ci + j*cj] (the host's gemm_geom: any
// layout and transposes); words keyed by the logical indices, as the host.
template <class P, class TA, class TB, class TC>
struct gemm_problem {
  const TA* a;
  const TB* b;
  TC* c;
  std::size_t ai, ak, bk, bj, ci, cj, sa, sb, sc;
  std::uint32_t M, N, K;
  std::uint64_t seed;
  __device__ typename P::SA a_bits(std::size_t z, std::uint32_t i, std::uint32_t k) const noexcept {
    return round_input<typename P::InA, typename P::MA>(a[z * sa + i * ai + k * ak], seed, (z * M + i) * K + k,
                                                        op_input_a);
  }
  __device__ typename P::SB b_bits(std::size_t z, std::uint32_t k, std::uint32_t j) const noexcept {
    return round_input<typename P::InB, typename P::MB>(b[z * sb + k * bk + j * bj], seed, (z * K + k) * N + j,
                                                        op_input_b);
  }
  __device__ TC* c_at(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept {
    return c + z * sc + i * ci + j * cj;
  }
  __device__ std::uint64_t elem(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept {
    return (z * M + i) * static_cast<std::uint64_t>(N) + j;
  }
};

// A tile's prologue and epilogue per output element (alpha, beta, C's conversion: the scalar
// core) as calls, not inlined: the kernels unroll them over every output of a thread, and 16
// or 64 inlined copies of the core only cost compile time and code size (each runs once).
template <class P, class TC>
__device__ __noinline__ typename P::SC tile_init(const gemm_ends<P> ends, const TC* cp, std::uint64_t e) {
  return ends.init(cp, e);
}
template <class P, class TC>
__device__ __noinline__ void tile_store(const gemm_ends<P> ends, TC* cp, std::uint64_t e, typename P::SC acc) {
  *cp = ends.finish(cp, e, acc);
}

inline constexpr int tile_k = 16, tile_threads = 256;

template <class P>
struct smem_types {
  using A = std::conditional_t<P::lane, float, typename P::SA>;
  using B = std::conditional_t<P::lane, float, typename P::SB>;
};

// The tiled kernel for any tile problem (GEMM, implicit-GEMM convolution) on the scalar core
// or the lane route: 256 threads as 16 x 16, each thread_m x thread_n outputs (rows ty + 16r,
// columns tx + 16q). Two configurations: 4 x 4 (64 x 64 tiles) and 1 x 1 (16 x 16 tiles, for
// problems with too few large tiles to fill the GPU: the long-K, small-output convolution
// weight gradients, whose k steps are one serial chain per output). Grid: x over column
// tiles, y over row tiles, z over problems (batches, images x groups) from z0.
template <class P, class Problem, class TC, int thread_m, int thread_n>
__global__ void __launch_bounds__(tile_threads) tile_gemm_kernel(Problem pr, gemm_ends<P> ends, std::size_t z0) {
  constexpr int tile_m = 16 * thread_m, tile_n = 16 * thread_n;
  using SmA = typename smem_types<P>::A;
  using SmB = typename smem_types<P>::B;
  using SC = typename P::SC;
  __shared__ alignas(16) SmA As[tile_k][tile_m];
  __shared__ alignas(16) SmB Bs[tile_k][tile_n];
  const std::size_t z = z0 + blockIdx.z;
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16, tid = threadIdx.x;
  const std::uint32_t i0 = blockIdx.y * tile_m, j0 = blockIdx.x * tile_n;
  const std::uint32_t M = pr.M, N = pr.N, K = pr.K;
  const std::uint64_t seed = pr.seed;

  static_assert(!P::native, "tile_gemm_kernel: the native route runs native_tile_kernel");
  // Accumulators: bits of Acc (scalar core) or floats (lane route).
  using AccReg = std::conditional_t<P::lane, float, SC>;
  using PartReg = std::conditional_t<P::lane, float, std::uint32_t>;
  AccReg acc[thread_m][thread_n];
  PartReg part[thread_m][thread_n];
#pragma unroll
  for (int r = 0; r < thread_m; ++r)
#pragma unroll
    for (int q = 0; q < thread_n; ++q) {
      const std::uint32_t i = i0 + ty + 16 * r, j = j0 + tx + 16 * q;
      SC s = fd::pack_zero<typename P::FC>(false);
      if (i < M && j < N) s = tile_init(ends, pr.c_at(z, i, j), pr.elem(z, i, j));
      if constexpr (P::lane)
        acc[r][q] = tensor::detail::lane_decode<typename P::FC>(s);
      else
        acc[r][q] = s;
      part[r][q] = 0;
    }

  for (std::uint32_t k0 = 0; k0 < K; k0 += tile_k) {
    // Load (and round) the A tile (tile_m x tile_k) and the B tile (tile_k x tile_n); outside
    // the matrix: +0 (never used in a step: steps stop at K and outputs outside are not stored).
#pragma unroll
    for (int t = 0; t < tile_m * tile_k / tile_threads; ++t) {
      const int l = tid + tile_threads * t, kk = l % tile_k, ii = l / tile_k;
      const std::uint32_t i = i0 + ii, k = k0 + kk;
      typename P::SA v = 0;
      if (i < M && k < K) v = pr.a_bits(z, i, k);
      if constexpr (P::lane)
        As[kk][ii] = tensor::detail::lane_decode<typename P::FA>(v);
      else
        As[kk][ii] = v;
    }
#pragma unroll
    for (int t = 0; t < tile_k * tile_n / tile_threads; ++t) {
      const int l = tid + tile_threads * t, jj = l % tile_n, kk = l / tile_n;
      const std::uint32_t j = j0 + jj, k = k0 + kk;
      typename P::SB v = 0;
      if (j < N && k < K) v = pr.b_bits(z, k, j);
      if constexpr (P::lane)
        Bs[kk][jj] = tensor::detail::lane_decode<typename P::FB>(v);
      else
        Bs[kk][jj] = v;
    }
    __syncthreads();
    const std::uint32_t steps = K - k0 < static_cast<std::uint32_t>(tile_k) ? K - k0 : tile_k;
    if constexpr (P::lane) {
      using FP = typename P::FP;
      using FC = typename P::FC;
      using MP = typename P::MP;
      using MC = typename P::MC;
      constexpr bool stoch = is_stochastic_v<MP> || is_stochastic_v<MC>;
      for (std::uint32_t kk = 0; kk < steps; ++kk) {
        const std::uint32_t k = k0 + kk;
        float av[thread_m], bv[thread_n];
#pragma unroll
        for (int r = 0; r < thread_m; ++r) av[r] = As[kk][ty + 16 * r];
#pragma unroll
        for (int q = 0; q < thread_n; ++q) bv[q] = Bs[kk][tx + 16 * q];
#pragma unroll
        for (int r = 0; r < thread_m; ++r)
#pragma unroll
          for (int q = 0; q < thread_n; ++q) {
            std::uint64_t e = 0;
            if constexpr (stoch) e = pr.elem(z, i0 + ty + 16 * r, j0 + tx + 16 * q);
            if constexpr (P::per_op && !P::lane_exact_products) {  // binary32 products and sums
              acc[r][q] = __fadd_rn(acc[r][q], __fmul_rn(av[r], bv[q]));
            } else if constexpr (P::per_op) {
              const float p = round_exact_float<FP, MP>(av[r] * bv[q], draw(is_stochastic_v<MP>, seed, e, 2 * k + 1));
              acc[r][q] = tensor::detail::add_lane<FC, MC>(acc[r][q], p, draw(is_stochastic_v<MC>, seed, e, 2 * k + 2));
            } else if constexpr (P::is_fused && !P::lane_exact_products) {  // binary32 accumulator
              acc[r][q] = __fmaf_rn(av[r], bv[q], acc[r][q]);
            } else if constexpr (P::is_fused) {
              acc[r][q] = tensor::detail::fma_lane<FC, MC>(av[r], bv[q], acc[r][q],
                                                           draw(is_stochastic_v<MC>, seed, e, 2 * k + 2));
            } else {  // chunked, binary32 partials: exact products, one RN32 per step
              part[r][q] = __fmaf_rn(av[r], bv[q], part[r][q]);
              if ((k + 1) % P::Kind::length == 0 || k + 1 == K) {
                acc[r][q] = tensor::detail::add_lane<FC, MC>(acc[r][q], part[r][q],
                                                             draw(is_stochastic_v<MC>, seed, e, 2 * k + 2));
                part[r][q] = 0.0f;
              }
            }
          }
      }
    } else {
      for (std::uint32_t kk = 0; kk < steps; ++kk) {
        // Not unrolled: the scalar core is long, and a 16-fold copy only costs compile time.
#pragma unroll 1
        for (int r = 0; r < thread_m; ++r) {
          const typename P::SA av = As[kk][ty + 16 * r];
          const std::uint32_t i = i0 + ty + 16 * r;
#pragma unroll 1
          for (int q = 0; q < thread_n; ++q) {
            const std::uint32_t j = j0 + tx + 16 * q;
            const std::uint64_t e =
                (is_stochastic_v<typename P::MP> || is_stochastic_v<typename P::MC>) ? pr.elem(z, i, j) : 0;
            gemm_step<P>(acc[r][q], part[r][q], av, Bs[kk][tx + 16 * q], seed, e, k0 + kk, K);
          }
        }
      }
    }
    __syncthreads();
  }

#pragma unroll
  for (int r = 0; r < thread_m; ++r)
#pragma unroll
    for (int q = 0; q < thread_n; ++q) {
      const std::uint32_t i = i0 + ty + 16 * r, j = j0 + tx + 16 * q;
      if (i >= M || j >= N) continue;
      SC s;
      if constexpr (P::lane) {
        s = tensor::detail::lane_encode<typename P::FC>(acc[r][q]);
      } else {
        s = acc[r][q];
      }
      TC* cp = pr.c_at(z, i, j);
      tile_store(ends, cp, pr.elem(z, i, j), s);
    }
}

// The native route's kernel (binary16 or bfloat16), 256 threads as 16 x 16, each thread RPT
// rows x PPT column pairs of outputs held as __half2 / __nv_bfloat162 pairs; k in shared-memory
// tiles of 16. Two configurations: <8, 4> (128 x 128 tiles: rows 4ty + r and 64 + 4ty + r,
// column pairs 4tx + 2h and 64 + 4tx + 2h; per k step two 16-byte loads of eight
// pre-broadcast A pairs {a, a} and two 8-byte loads of B, then 32 paired instructions) and
// <2, 1> (32 x 32 tiles, for problems with too few large tiles to fill the GPU: the long-K,
// small-output convolution gradients). The next k tile is read from global memory into
// registers while the current one is computed. Each output's steps still run k = 0..K-1 in
// order in one lane of one thread: the same operations as the scalar core, so the same bits.
inline constexpr int native_k = 16, native_pad = 4;

template <class P, class Problem, class TC, int RPT, int PPT>
__global__ void __launch_bounds__(tile_threads) native_tile_kernel(Problem pr, gemm_ends<P> ends, std::size_t z0) {
  using SC = typename P::SC;
  using FN = typename P::FC;  // binary16 or bfloat16
  using Ops = native_ops<FN>;
  using pair = typename Ops::pair;
  constexpr int TM = 16 * RPT, TN = 32 * PPT;       // the block's output tile
  constexpr int RG = RPT < 4 ? RPT : 4;             // rows read by one shared load
  constexpr int PG = PPT < 2 ? PPT : 2;             // column pairs read by one shared load
  constexpr int la = TM * native_k / tile_threads;  // A and B elements each thread loads per k tile
  constexpr int lb = native_k * TN / tile_threads;
  static_assert((RPT == 8 && PPT == 4) || (RPT == 2 && PPT == 1), "native_tile_kernel: <8, 4> or <2, 1>");
  // A rows padded by 4 pairs: the tile stores (consecutive k in consecutive threads) spread
  // over the banks; rows stay 16-byte aligned.
  __shared__ alignas(16) pair As[native_k][TM + native_pad];
  __shared__ alignas(16) std::uint16_t Bs[native_k][TN];
  const std::size_t z = z0 + blockIdx.z;
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16, tid = threadIdx.x;
  const std::uint32_t i0 = blockIdx.y * TM, j0 = blockIdx.x * TN;
  const std::uint32_t M = pr.M, N = pr.N, K = pr.K;
  auto row = [&](int r) { return RG * ty + (r / RG) * (16 * RG) + r % RG; };
  auto col = [&](int h) { return 2 * PG * tx + (h / PG) * (32 * PG) + 2 * (h % PG); };

  pair acc[RPT][PPT];
#pragma unroll
  for (int r = 0; r < RPT; ++r)
#pragma unroll
    for (int h = 0; h < PPT; ++h) {
      const std::uint32_t i = i0 + row(r);
      std::uint16_t lo = 0, hi = 0;  // +0 outside C (never stored)
      for (int d = 0; d < 2; ++d) {
        const std::uint32_t j = j0 + col(h) + d;
        if (i < M && j < N)
          (d ? hi : lo) = static_cast<std::uint16_t>(tile_init(ends, pr.c_at(z, i, j), pr.elem(z, i, j)));
      }
      acc[r][h] = Ops::make(Ops::from_bits(lo), Ops::from_bits(hi));
    }

  // A element t of this thread: row tid/16 + 16t, k tid%16; B element t: k tid/TN +
  // (256/TN)t, column tid%TN (consecutive threads read consecutive k of A, columns of B).
  std::uint16_t ra[la], rb[lb];
  auto fetch = [&](std::uint32_t k0) {
#pragma unroll
    for (int t = 0; t < la; ++t) {
      const std::uint32_t i = i0 + tid / 16 + 16 * t, k = k0 + tid % 16;
      typename P::SA v = 0;  // +0 outside A: never used (steps stop at K, rows past M are not stored)
      if (i < M && k < K) v = pr.a_bits(z, i, k);
      if constexpr (std::is_same_v<typename P::FA, FN>)
        ra[t] = static_cast<std::uint16_t>(v);
      else  // exact: every value of FA is a value of FN
        ra[t] = static_cast<std::uint16_t>(fd::convert_bits<FN, typename P::FA, round::nearest_even>(v, 0));
    }
#pragma unroll
    for (int t = 0; t < lb; ++t) {
      const std::uint32_t j = j0 + tid % TN, k = k0 + tid / TN + (tile_threads / TN) * t;
      typename P::SB v = 0;
      if (j < N && k < K) v = pr.b_bits(z, k, j);
      if constexpr (std::is_same_v<typename P::FB, FN>)
        rb[t] = static_cast<std::uint16_t>(v);
      else
        rb[t] = static_cast<std::uint16_t>(fd::convert_bits<FN, typename P::FB, round::nearest_even>(v, 0));
    }
  };
  auto step = [&](int kk) {
    unsigned au[RPT], bu[PPT];
#pragma unroll
    for (int g = 0; g < RPT / RG; ++g) {
      const pair* src = &As[kk][RG * ty + g * 16 * RG];
      if constexpr (RG == 4) {
        const uint4 v = *reinterpret_cast<const uint4*>(src);
        au[4 * g] = v.x, au[4 * g + 1] = v.y, au[4 * g + 2] = v.z, au[4 * g + 3] = v.w;
      } else {
        const uint2 v = *reinterpret_cast<const uint2*>(src);
        au[2 * g] = v.x, au[2 * g + 1] = v.y;
      }
    }
#pragma unroll
    for (int g = 0; g < PPT / PG; ++g) {
      const std::uint16_t* src = &Bs[kk][2 * PG * tx + g * 32 * PG];
      if constexpr (PG == 2) {
        const uint2 v = *reinterpret_cast<const uint2*>(src);
        bu[2 * g] = v.x, bu[2 * g + 1] = v.y;
      } else {
        bu[g] = *reinterpret_cast<const unsigned*>(src);
      }
    }
#pragma unroll
    for (int r = 0; r < RPT; ++r)
#pragma unroll
      for (int h = 0; h < PPT; ++h) {
        pair av, bv;
        memcpy(&av, &au[r], sizeof av);
        memcpy(&bv, &bu[h], sizeof bv);
        if constexpr (P::is_fused)
          acc[r][h] = Ops::fma(av, bv, acc[r][h]);
        else
          acc[r][h] = Ops::add(acc[r][h], Ops::mul(av, bv));
      }
  };

  if (K > 0) fetch(0);
  for (std::uint32_t k0 = 0; k0 < K; k0 += native_k) {
#pragma unroll
    for (int t = 0; t < la; ++t) {
      const typename Ops::scalar a = Ops::from_bits(ra[t]);
      As[tid % 16][tid / 16 + 16 * t] = Ops::make(a, a);
    }
#pragma unroll
    for (int t = 0; t < lb; ++t) Bs[tid / TN + (tile_threads / TN) * t][tid % TN] = rb[t];
    __syncthreads();
    if (k0 + native_k < K) fetch(k0 + native_k);  // in flight during the steps below
    const std::uint32_t steps = K - k0 < static_cast<std::uint32_t>(native_k) ? K - k0 : native_k;
    if (steps == static_cast<std::uint32_t>(native_k)) {
#pragma unroll
      for (int kk = 0; kk < native_k; ++kk) step(kk);
    } else {
      for (int kk = 0; kk < static_cast<int>(steps); ++kk) step(kk);
    }
    __syncthreads();
  }

#pragma unroll
  for (int r = 0; r < RPT; ++r)
#pragma unroll
    for (int h = 0; h < PPT; ++h) {
      const std::uint32_t i = i0 + row(r);
      const typename Ops::scalar lanes[2] = {Ops::lo(acc[r][h]), Ops::hi(acc[r][h])};
      for (int d = 0; d < 2; ++d) {
        const std::uint32_t j = j0 + col(h) + d;
        if (i >= M || j >= N) continue;
        const SC s = static_cast<SC>(Ops::fix_nan(Ops::bits(lanes[d])));
        TC* cp = pr.c_at(z, i, j);
        tile_store(ends, cp, pr.elem(z, i, j), s);
      }
    }
}

// The tensor-core route (chunked<L, sm90_mma>): mma.sync.m16n8k16 with an f32 accumulator,
// whose sum of each block of 16 k is the host's model (tensor/mma_model.hpp, fitted and
// checked on the H200). 128 x 128 output tiles, 8 warps as 2 x 4, each warp 64 x 32 outputs as
// 4 x 4 mma tiles; k in shared-memory tiles of 32 (two blocks of 16), the next tile read from
// global memory into registers while the current one is computed. At the end of each chunk
// of L consecutive k (and at K) every output's partial is rounded into Acc on the scalar core;
// the partials restart from +0. k beyond K multiplies zeros (no term in the model).
inline constexpr int mma_tile = 128, mma_k = 32, mma_pad = 8;

template <class FA>
__device__ __forceinline__ void mma_16816(float (&d)[4], const std::uint32_t (&a)[4], const std::uint32_t (&b)[2]) {
  if constexpr (is_binary16_format_v<FA>)
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  else
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// Shared-memory fragment loads (ldmatrix): four 8 x 8 matrices of A ([i][k] rows), two of B
// ([k][j] rows, transposed into the column fragment).
__device__ __forceinline__ void ldsm_x4(std::uint32_t (&r)[4], const void* p) {
  const unsigned a = static_cast<unsigned>(__cvta_generic_to_shared(p));
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(a));
}
__device__ __forceinline__ void ldsm_x2_trans(std::uint32_t (&r)[2], const void* p) {
  const unsigned a = static_cast<unsigned>(__cvta_generic_to_shared(p));
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];" : "=r"(r[0]), "=r"(r[1]) : "r"(a));
}

// A chunk's end for one output: acc = round_Acc(acc + part). On the float lanes where they
// hold Acc (lane.hpp's add_lane: the chunked lane route's own step, proven there), else on
// the scalar core.
template <class P>
__device__ __noinline__ typename P::SC mma_flush(typename P::SC acc, float part, std::uint64_t seed, std::uint64_t e,
                                                 std::uint32_t op) {
  using FC = typename P::FC;
  using MC = typename P::MC;
  const std::uint32_t word = draw(is_stochastic_v<MC>, seed, e, op);
  if constexpr (tensor::detail::lane_ok<FC> &&
                (tensor::detail::lane_sum_ok<FC, MC> || tensor::detail::lane_is_float_rn<FC, MC>)) {
    return tensor::detail::lane_encode<FC>(
        tensor::detail::add_lane<FC, MC>(tensor::detail::lane_decode<FC>(acc), part, word));
  } else {
    return fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<fd::binary32_format>(__float_as_uint(part))),
                              word);
  }
}

// Elements at..at+7 of a row of 16-bit values (16-byte aligned at multiples of 8); those at
// or past limit read as 0 (never read from memory).
__device__ __forceinline__ uint4 load8(const std::uint16_t* row, std::uint32_t at, std::uint32_t limit) {
  if (at + 8 <= limit) return __ldg(reinterpret_cast<const uint4*>(row + at));
  std::uint16_t h[8] = {};
  for (std::uint32_t t = 0; t < 8 && at + t < limit; ++t) h[t] = row[at + t];
  uint4 v;
  memcpy(&v, h, sizeof v);
  return v;
}

// Vec: the inputs are 16-bit arrays of InA / InB (used as they are), A contiguous in k and
// B in j, 16-byte aligned rows: the tiles are read as 16-byte vectors. Otherwise element by
// element through the problem's rounding (any layout, any input type, convolution taps).
template <class P, class Problem, class TC, bool Vec>
__global__ void __launch_bounds__(tile_threads, 1) mma_tile_kernel(Problem pr, gemm_ends<P> ends, std::size_t z0) {
  using SC = typename P::SC;
  constexpr std::uint32_t L = static_cast<std::uint32_t>(P::Kind::length);
  __shared__ alignas(16) std::uint16_t As[mma_tile][mma_k + mma_pad];  // [i][k]
  __shared__ alignas(16) std::uint16_t Bs[mma_k][mma_tile + mma_pad];  // [k][j]
  const std::size_t z = z0 + blockIdx.z;
  const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  const int wm = (warp / 4) * 64, wn = (warp % 4) * 32, g = lane / 4, q = lane % 4;
  const std::uint32_t i0 = blockIdx.y * mma_tile, j0 = blockIdx.x * mma_tile;
  const std::uint32_t M = pr.M, N = pr.N, K = pr.K;
  // Output (mt, nt, v) of this thread: row wm + 16 mt + g + 8 (v / 2), column wn + 8 nt + 2q + v % 2.
  auto out_i = [&](int mt, int v) { return i0 + wm + 16 * mt + g + 8 * (v / 2); };
  auto out_j = [&](int nt, int v) { return j0 + wn + 8 * nt + 2 * q + v % 2; };
  SC acc[4][4][4];
  float part[4][4][4];
#pragma unroll
  for (int mt = 0; mt < 4; ++mt)
#pragma unroll
    for (int nt = 0; nt < 4; ++nt)
#pragma unroll
      for (int v = 0; v < 4; ++v) {
        const std::uint32_t i = out_i(mt, v), j = out_j(nt, v);
        acc[mt][nt][v] = (i < M && j < N) ? tile_init(ends, pr.c_at(z, i, j), pr.elem(z, i, j))
                                          : fd::pack_zero<typename P::FC>(false);
        part[mt][nt][v] = 0.0f;
      }
  // Element loads: A element t: row tid / 32 + 8 t, k tid % 32; B element t: k tid / 128 +
  // 2 t, column tid % 128. Vector loads: A vector u: row tid / 4 + 64 u, k 8 (tid % 4);
  // B vector u: k tid / 16 + 16 u, columns 8 (tid % 16).
  constexpr int per_thread = Vec ? 2 : mma_tile * mma_k / tile_threads;
  using Reg = std::conditional_t<Vec, uint4, std::uint16_t>;
  Reg ra[per_thread], rb[per_thread];
  auto fetch = [&](std::uint32_t k0) {
    if constexpr (Vec) {
      const auto* pa = reinterpret_cast<const std::uint16_t*>(pr.a) + z * pr.sa;
      const auto* pb = reinterpret_cast<const std::uint16_t*>(pr.b) + z * pr.sb;
#pragma unroll
      for (int u = 0; u < 2; ++u) {
        const std::uint32_t i = i0 + tid / 4 + 64 * u, k = k0 + 8 * (tid % 4);
        ra[u] = i < M ? load8(pa + i * pr.ai, k, K) : make_uint4(0, 0, 0, 0);
      }
#pragma unroll
      for (int u = 0; u < 2; ++u) {
        const std::uint32_t k = k0 + tid / 16 + 16 * u, j = j0 + 8 * (tid % 16);
        rb[u] = k < K ? load8(pb + k * pr.bk, j, N) : make_uint4(0, 0, 0, 0);
      }
    } else {
#pragma unroll
      for (int t = 0; t < per_thread; ++t) {
        const std::uint32_t i = i0 + tid / 32 + 8 * t, k = k0 + tid % 32;
        ra[t] = (i < M && k < K) ? static_cast<std::uint16_t>(pr.a_bits(z, i, k)) : std::uint16_t{0};
      }
#pragma unroll
      for (int t = 0; t < per_thread; ++t) {
        const std::uint32_t j = j0 + tid % 128, k = k0 + tid / 128 + 2 * t;
        rb[t] = (j < N && k < K) ? static_cast<std::uint16_t>(pr.b_bits(z, k, j)) : std::uint16_t{0};
      }
    }
  };
  auto stash = [&] {
    if constexpr (Vec) {
#pragma unroll
      for (int u = 0; u < 2; ++u) {
        *reinterpret_cast<uint4*>(&As[tid / 4 + 64 * u][8 * (tid % 4)]) = ra[u];
        *reinterpret_cast<uint4*>(&Bs[tid / 16 + 16 * u][8 * (tid % 16)]) = rb[u];
      }
    } else {
#pragma unroll
      for (int t = 0; t < per_thread; ++t) As[tid / 32 + 8 * t][tid % 32] = ra[t];
#pragma unroll
      for (int t = 0; t < per_thread; ++t) Bs[tid / 128 + 2 * t][tid % 128] = rb[t];
    }
  };
  if (K > 0) fetch(0);
  for (std::uint32_t k0 = 0; k0 < K; k0 += mma_k) {
    stash();
    __syncthreads();
    if (k0 + mma_k < K) fetch(k0 + mma_k);  // in flight during the blocks below
#pragma unroll
    for (int s = 0; s < mma_k / 16; ++s) {
      const std::uint32_t kb = k0 + 16 * s;  // this block's first k
      if (kb >= K) break;
      std::uint32_t af[4][4], bf[4][2];
#pragma unroll
      for (int mt = 0; mt < 4; ++mt) ldsm_x4(af[mt], &As[wm + 16 * mt + lane % 16][16 * s + 8 * (lane / 16)]);
#pragma unroll
      for (int nt = 0; nt < 4; ++nt) ldsm_x2_trans(bf[nt], &Bs[16 * s + lane % 16][wn + 8 * nt]);
#pragma unroll
      for (int mt = 0; mt < 4; ++mt)
#pragma unroll
        for (int nt = 0; nt < 4; ++nt) mma_16816<typename P::FA>(part[mt][nt], af[mt], bf[nt]);
      const std::uint32_t kend = kb + 16 < K ? kb + 16 : K;  // one past this block's last k
      if (kend % L == 0 || kend == K) {
        const std::uint32_t op = 2 * (kend - 1) + 2;
        // Unrolled: the accumulators must stay in registers (an indexed loop puts them in
        // local memory: run 9, 77 registers, L1 81% busy, 29 TFLOP/s).
#pragma unroll
        for (int mt = 0; mt < 4; ++mt)
#pragma unroll
          for (int nt = 0; nt < 4; ++nt)
#pragma unroll
            for (int v = 0; v < 4; ++v) {
              const std::uint32_t i = out_i(mt, v), j = out_j(nt, v);
              const std::uint64_t e = is_stochastic_v<typename P::MC> ? pr.elem(z, i, j) : 0;
              acc[mt][nt][v] = mma_flush<P>(acc[mt][nt][v], part[mt][nt][v], pr.seed, e, op);
              part[mt][nt][v] = 0.0f;
            }
      }
    }
    __syncthreads();
  }
#pragma unroll
  for (int mt = 0; mt < 4; ++mt)
#pragma unroll
    for (int nt = 0; nt < 4; ++nt)
#pragma unroll
      for (int v = 0; v < 4; ++v) {
        const std::uint32_t i = out_i(mt, v), j = out_j(nt, v);
        if (i < M && j < N) tile_store(ends, pr.c_at(z, i, j), pr.elem(z, i, j), acc[mt][nt][v]);
      }
}

// The vector tile loads apply: 16-bit arrays of the input formats themselves, A contiguous in
// k and B in j, every row start (and batch start) 16-byte aligned.
template <class Pr>
bool mma_vector_loads(const Pr&) noexcept {
  return false;
}
template <class P, class TA, class TB, class TC>
bool mma_vector_loads(const gemm_problem<P, TA, TB, TC>& pr) noexcept {
  if constexpr (std::is_same_v<TA, typename P::InA> && std::is_same_v<TB, typename P::InB> && sizeof(TA) == 2 &&
                sizeof(TB) == 2) {
    return pr.ak == 1 && pr.bj == 1 && aligned(pr.a, 16) && aligned(pr.b, 16) && pr.ai % 8 == 0 && pr.bk % 8 == 0 &&
           pr.sa % 8 == 0 && pr.sb % 8 == 0;
  } else {
    return false;
  }
}
template <class Pr>
inline constexpr bool mma_vector_capable = false;
template <class P, class TA, class TB, class TC>
inline constexpr bool mma_vector_capable<gemm_problem<P, TA, TB, TC>> =
    std::is_same_v<TA, typename P::InA>&& std::is_same_v<TB, typename P::InB> && sizeof(TA) == 2 && sizeof(TB) == 2;

// The tensor-core route needs the Hopper tensor core the model describes (compute capability 9.0).
inline bool hopper_device() noexcept {
  int dev = 0, major = 0, minor = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) return false;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess) return false;
  if (cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev) != cudaSuccess) return false;
  return major == 9 && minor == 0;
}

template <class P, class Problem, class TC, int TM, int TN, class Launch>
status launch_grid(const Problem& pr, std::size_t problems, Launch&& launch) {
  const dim3 grid((pr.N + TN - 1) / TN, (pr.M + TM - 1) / TM, 1);
  if (grid.y > 65535u) return status::error(status::bad_shape, "cuda: M is too large for one grid (M / tile > 65535)");
  for (std::size_t z0 = 0; z0 < problems; z0 += 65535) {
    const std::size_t nz = problems - z0 < 65535 ? problems - z0 : 65535;
    launch(dim3(grid.x, grid.y, static_cast<unsigned>(nz)), z0);
    if (const status st = launch_status(); st.rejected()) return st;
  }
  return {};
}

template <class P, class Problem, class TC>
status launch_tiles(const Problem& pr, const gemm_ends<P>& ends, std::size_t problems, cudaStream_t stream) {
  if (pr.M == 0 || pr.N == 0 || problems == 0) return {};
  if constexpr (P::tensor_core) {
    if (!hopper_device())
      return status::error(status::bad_argument,
                           "cuda: chunked<L, sm90_mma> runs on compute capability 9.0 (H100 / H200) only: "
                           "other tensor cores sum differently");
    if constexpr (mma_vector_capable<Problem>) {
      if (mma_vector_loads(pr))
        return launch_grid<P, Problem, TC, mma_tile, mma_tile>(pr, problems, [&](dim3 g, std::size_t z0) {
          mma_tile_kernel<P, Problem, TC, true><<<g, tile_threads, 0, stream>>>(pr, ends, z0);
        });
    }
    return launch_grid<P, Problem, TC, mma_tile, mma_tile>(pr, problems, [&](dim3 g, std::size_t z0) {
      mma_tile_kernel<P, Problem, TC, false><<<g, tile_threads, 0, stream>>>(pr, ends, z0);
    });
  } else if constexpr (P::native) {
    // 128 x 128 tiles unless they would leave most SMs idle (fewer tiles than half the SMs:
    // H200 run 6, ResNet-18 layers: 128 tiles on 132 SMs run faster large, 36 small): 32 x 32.
    const std::size_t big = ((pr.N + 127) / 128) * ((pr.M + 127) / 128) * problems;
    if (2 * big >= sm_count())
      return launch_grid<P, Problem, TC, 128, 128>(pr, problems, [&](dim3 g, std::size_t z0) {
        native_tile_kernel<P, Problem, TC, 8, 4><<<g, tile_threads, 0, stream>>>(pr, ends, z0);
      });
    return launch_grid<P, Problem, TC, 32, 32>(pr, problems, [&](dim3 g, std::size_t z0) {
      native_tile_kernel<P, Problem, TC, 2, 1><<<g, tile_threads, 0, stream>>>(pr, ends, z0);
    });
  } else {
    // 64 x 64 tiles unless fewer than half the SMs would get one (as the native route): 16 x 16.
    const std::size_t big = ((pr.N + 63) / 64) * ((pr.M + 63) / 64) * problems;
    if (2 * big >= sm_count())
      return launch_grid<P, Problem, TC, 64, 64>(pr, problems, [&](dim3 g, std::size_t z0) {
        tile_gemm_kernel<P, Problem, TC, 4, 4><<<g, tile_threads, 0, stream>>>(pr, ends, z0);
      });
    return launch_grid<P, Problem, TC, 16, 16>(pr, problems, [&](dim3 g, std::size_t z0) {
      tile_gemm_kernel<P, Problem, TC, 1, 1><<<g, tile_threads, 0, stream>>>(pr, ends, z0);
    });
  }
}

}  // namespace detail

template <class Recipe, class TA, class TB, class TC, class... Args>
status gemm(const gemm_shape& s, const TA* a, const TB* b, TC* c, cudaStream_t stream, Args&&... args) {
  static_assert(std::is_same_v<TA, float> || std::is_same_v<TA, double> || is_cfloat_v<TA>,
                "cuda::gemm: A must hold float, double or a cfloat");
  static_assert(std::is_same_v<TB, float> || std::is_same_v<TB, double> || is_cfloat_v<TB>,
                "cuda::gemm: B must hold float, double or a cfloat");
  static_assert(std::is_same_v<TC, float> || std::is_same_v<TC, double> || is_cfloat_v<TC>,
                "cuda::gemm: C must hold float, double or a cfloat");
  using P = detail::gemm_plan<Recipe, TC, Args...>;
  detail::require_source<P::template stochastic<TA, TB>, P::targs::has_source>();
  // The host's checks (sizes, leading dimensions, batch strides, overflow, C overlapping A or
  // B) and its geometry; a device pointer carries no size, so the views are unbounded.
  constexpr std::size_t unbounded = ~std::size_t{0} / 16;
  const array_view<const TA> av{a, a ? unbounded : 0};
  const array_view<const TB> bv{b, b ? unbounded : 0};
  const array_view<TC> cv{c, c ? unbounded : 0};
  tensor::detail::gemm_geom g{};
  if (const status st = tensor::detail::check_gemm(s, av, bv, cv, g); st.rejected()) return st;
  if (g.batch == 0 || g.m == 0 || g.n == 0) return {};
  if (g.m >= (std::size_t{1} << 31) || g.n >= (std::size_t{1} << 31))
    return status::error(status::bad_shape, "cuda::gemm: M and N must be below 2^31");
  if ((g.k && (a == nullptr || b == nullptr)) || c == nullptr)
    return status::error(status::bad_argument, "cuda::gemm: null pointer with a non-empty shape");
  if (!detail::aligned(a, alignof(TA)) || !detail::aligned(b, alignof(TB)) || !detail::aligned(c, alignof(TC)))
    return status::error(status::bad_argument, "cuda::gemm: a pointer is not aligned to its element type");
  if (!detail::device_pointer(a) || !detail::device_pointer(b) || !detail::device_pointer(c))
    return status::error(status::bad_argument, "cuda::gemm: A, B and C must be device (or managed) memory");
  const std::uint64_t seed = detail::source_of(args...).seed;
  const auto ends = detail::gemm_ends<P>::make(s.alpha, s.beta, g.k, seed);
  const detail::gemm_problem<P, TA, TB, TC> pr{a,
                                               b,
                                               c,
                                               g.ai,
                                               g.ak,
                                               g.bk,
                                               g.bj,
                                               g.ci,
                                               g.cj,
                                               g.sa,
                                               g.sb,
                                               g.sc,
                                               static_cast<std::uint32_t>(g.m),
                                               static_cast<std::uint32_t>(g.n),
                                               static_cast<std::uint32_t>(g.k),
                                               seed};
  return detail::launch_tiles<P, detail::gemm_problem<P, TA, TB, TC>, TC>(pr, ends, s.batch, stream);
}

}  // namespace floatlab::cuda
