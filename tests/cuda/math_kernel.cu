// floatlab/math.hpp in device code, compared bit for bit with the same functions on the CPU,
// which tests/test_math*.cpp prove correctly rounded against MPFR on these same inputs: so
// equality here makes the GPU results correctly rounded too. Without a GPU it exits 77.
//   1. The whole call (every step: the GPU float step of session 11 where it applies, the exact
//      path where it declines): every input of binary16, bfloat16 and e4m3 through exp, log,
//      tanh, logistic, sin, cos, gelu in a few modes (math_cases.hpp full_case: nearest even,
//      upward, toward zero, downward, stochastic<8> with keyed words).
//   2. The GPU float step alone (math.hpp gpu_float_step: CUDA's float function, the rounding
//      test, the conversion) on every input of 12 formats of at most 16 bits (step_case), in
//      the six deterministic modes, for each of the ten functions that have it: where it
//      answers, its result must equal the CPU's full call; where it declines, the exact path
//      (checked by 1) runs. Prints mismatches and the decline (fallback) rate per format, mode
//      and function.
//   4. The GPU double step alone (session 13, math.hpp gpu_double_step: CUDA's double function,
//      the cell test on 53 bits, the conversion) on every input of binary32 and tf32 in the six
//      deterministic modes for the ten functions, against the exact path on the GPU
//      (cr::call_exact); and a sample of 2^20 random inputs per format, mode and function on
//      which the GPU's whole call and its exact path must equal the CPU's call.
//   3. A throughput table: floatlab binary16, bfloat16 and binary32 exp / tanh / sin on the GPU
//      beside CUDA's expf, __expf, tanhf and sinf on the same operands in the same run, with
//      the float step's decline rate on the benchmark's operands.
// Parts: tests/cuda/run_math.sh builds this file as 31 CUDA objects in parallel (-DFLOATLAB_MATH_SPLIT
// with -DFLOATLAB_MATH_FULL=k, k = 0..5, -DFLOATLAB_MATH_STEP=k, k = 0..11, -DFLOATLAB_MATH_DSTEP=k,
// k = 0..11, or none: main and
// the benchmark) plus the CPU references (tests/cuda/math_ref.cpp by g++, one per part): one TU
// with every instantiation took over 10 minutes of nvcc. Built alone (no FLOATLAB_MATH_SPLIT),
// this TU instantiates everything itself.
// -DFLOATLAB_MATH_KERNEL_CI (CI's compile check, alone): 1 for binary16 nearest even only (its
// calls hold the float step), no 2, no 3. --no-bench: 1 and 2 only.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <cuda_runtime.h>

#include "math_cases.hpp"
#include "support.cuh"

using namespace math_cases;
using floatlab_cuda_test::failures;

// ---- 1. the whole call -------------------------------------------------------------------

template <class T, class Mode>
__global__ void all_inputs_kernel(std::uint32_t count, std::uint32_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count * f_count) return;
  out[i] = eval<T, Mode>(static_cast<int>(i / count), i % count);
}

template <int K>
void full_part() {
  using T = typename full_case<K>::T;
  using Mode = typename full_case<K>::Mode;
  constexpr std::uint32_t count = pattern_count<T>;
  const std::uint32_t n = count * f_count;
  floatlab_cuda_test::dev_buf<std::uint32_t> d(n);
  all_inputs_kernel<T, Mode><<<(n + 255) / 256, 256>>>(count, d.p);
  CUDA_OK(cudaGetLastError());
  const std::vector<std::uint32_t> got = d.get(n);
  std::vector<std::uint32_t> want(n);
  full_reference<K>(want.data());
  std::size_t bad[f_count] = {};
  for (std::uint32_t i = 0; i < n; ++i) bad[i / count] += got[i] != want[i];
  std::size_t total = 0;
  std::printf("%-28s", full_case<K>::name);
  for (int f = 0; f < f_count; ++f) {
    std::printf(" %s %zu", fn_names[f], bad[f]);
    total += bad[f];
  }
  std::printf("  (mismatches of %u inputs each, GPU vs CPU)\n", count);
  if (total) ++failures;
}

// ---- 2. the GPU float step alone (session 11) --------------------------------------------

constexpr std::uint32_t declined = 0xFFFFFFFFu;

// The step alone on the GPU: F's pattern, or `declined`.
template <class T, class Mode>
__device__ std::uint32_t step_eval(int f, std::uint32_t bits) {
  using F = typename T::format_type;
  namespace cr = fl::detail::cr;
  typename F::storage out{};
  bool ok = false;
  switch (f) {
    case g_exp: ok = cr::gpu_float_step<F, Mode, cr::fn_exp>(bits, out); break;
    case g_exp2: ok = cr::gpu_float_step<F, Mode, cr::fn_exp2>(bits, out); break;
    case g_expm1: ok = cr::gpu_float_step<F, Mode, cr::fn_expm1>(bits, out); break;
    case g_log: ok = cr::gpu_float_step<F, Mode, cr::fn_log>(bits, out); break;
    case g_log2: ok = cr::gpu_float_step<F, Mode, cr::fn_log2>(bits, out); break;
    case g_log1p: ok = cr::gpu_float_step<F, Mode, cr::fn_log1p>(bits, out); break;
    case g_tanh: ok = cr::gpu_float_step<F, Mode, cr::fn_tanh>(bits, out); break;
    case g_erf: ok = cr::gpu_float_step<F, Mode, cr::fn_erf>(bits, out); break;
    case g_sin: ok = cr::gpu_float_step<F, Mode, cr::fn_sin>(bits, out); break;
    default: ok = cr::gpu_float_step<F, Mode, cr::fn_cos>(bits, out); break;
  }
  return ok ? static_cast<std::uint32_t>(out) : declined;
}
template <class T, int M>
__global__ void step_kernel(std::uint32_t count, std::uint32_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count * g_count) return;
  out[i] = step_eval<T, step_mode<M>>(static_cast<int>(i / count), i % count);
}

struct step_totals {
  std::size_t checked = 0, mismatches = 0, declines = 0;
};
inline step_totals step_all;  // one for every part

// One line per mode: "function mismatches/declined share of all inputs".
template <class T, int M>
void check_step_mode(const char* name, const std::uint32_t* want) {
  constexpr std::uint32_t count = pattern_count<T>;
  const std::uint32_t n = count * g_count;
  floatlab_cuda_test::dev_buf<std::uint32_t> d(n);
  step_kernel<T, M><<<(n + 255) / 256, 256>>>(count, d.p);
  CUDA_OK(cudaGetLastError());
  const std::vector<std::uint32_t> got = d.get(n);
  std::size_t bad[g_count] = {}, dec[g_count] = {};
  for (std::uint32_t i = 0; i < n; ++i) {
    const int f = static_cast<int>(i / count);
    if (got[i] == declined) {
      ++dec[f];
      continue;
    }
    if (got[i] != want[i] && ++bad[f] <= 3)
      std::printf("  MISMATCH %s %s %s x=0x%x: GPU step 0x%x, CPU 0x%x\n", name, m_names[M], g_names[f], i % count,
                  got[i], want[i]);
  }
  std::size_t total_bad = 0;
  std::printf("step %-13s %-12s", name, m_names[M]);
  for (int f = 0; f < g_count; ++f) {
    std::printf(" %s %zu/%.2f%%", g_names[f], bad[f], 100.0 * static_cast<double>(dec[f]) / count);
    total_bad += bad[f];
    step_all.checked += count - dec[f];
    step_all.declines += dec[f];
  }
  std::printf("\n");
  step_all.mismatches += total_bad;
  if (total_bad) ++failures;
}
template <int K>
void step_part() {
  using T = typename step_case<K>::T;
  const std::uint32_t n = pattern_count<T> * g_count;
  std::vector<std::uint32_t> want(n * m_count);
  step_reference<K>(want.data());
  check_step_mode<T, 0>(step_case<K>::name, want.data());
  check_step_mode<T, 1>(step_case<K>::name, want.data() + n);
  check_step_mode<T, 2>(step_case<K>::name, want.data() + 2 * n);
  check_step_mode<T, 3>(step_case<K>::name, want.data() + 3 * n);
  check_step_mode<T, 4>(step_case<K>::name, want.data() + 4 * n);
  check_step_mode<T, 5>(step_case<K>::name, want.data() + 5 * n);
}

// ---- 4. the GPU double step (session 13) -------------------------------------------------

// The double step on every pattern of T for function G: answers, declines, mismatches against
// the exact path on the GPU (cr::call_exact: what call() runs where the step declines), and the
// smallest mismatching pattern.
struct dstep_counts {
  unsigned long long answers, declines, mismatches, first;
};
template <class T, class Mode, int G>
__global__ void dstep_every_kernel(std::uint64_t count, dstep_counts* c) {
  using F = typename T::format_type;
  using Fn = gfn_type<G>;
  namespace cr = fl::detail::cr;
  unsigned long long answers = 0, declines = 0, bad = 0;
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  for (std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x; i < count; i += stride) {
    typename F::storage out{};
    if (!cr::gpu_double_step<F, Mode, Fn>(i, out)) {
      ++declines;
      continue;
    }
    ++answers;
    const T x = T::from_bits(static_cast<typename T::storage_type>(i));
    if (out != cr::call_exact<Fn, Mode>(x, 0).bits()) {
      ++bad;
      atomicMin(&c->first, static_cast<unsigned long long>(i));
    }
  }
  atomicAdd(&c->answers, answers);
  atomicAdd(&c->declines, declines);
  if (bad) atomicAdd(&c->mismatches, bad);
}

// The sample: the whole call (with the step) and the exact path, for the comparison with the CPU.
template <class T, class Mode>
__device__ std::uint32_t dstep_exact(int f, std::uint32_t bits) {
  namespace cr = fl::detail::cr;
  const T x = T::from_bits(static_cast<typename T::storage_type>(bits));
  switch (f) {
    case g_exp: return cr::call_exact<gfn_type<g_exp>, Mode>(x, 0).bits();
    case g_exp2: return cr::call_exact<gfn_type<g_exp2>, Mode>(x, 0).bits();
    case g_expm1: return cr::call_exact<gfn_type<g_expm1>, Mode>(x, 0).bits();
    case g_log: return cr::call_exact<gfn_type<g_log>, Mode>(x, 0).bits();
    case g_log2: return cr::call_exact<gfn_type<g_log2>, Mode>(x, 0).bits();
    case g_log1p: return cr::call_exact<gfn_type<g_log1p>, Mode>(x, 0).bits();
    case g_tanh: return cr::call_exact<gfn_type<g_tanh>, Mode>(x, 0).bits();
    case g_erf: return cr::call_exact<gfn_type<g_erf>, Mode>(x, 0).bits();
    case g_sin: return cr::call_exact<gfn_type<g_sin>, Mode>(x, 0).bits();
    default: return cr::call_exact<gfn_type<g_cos>, Mode>(x, 0).bits();
  }
}
template <class T, class Mode>
__global__ void dstep_sample_kernel(std::uint32_t* full, std::uint32_t* exact) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= dstep_sample * g_count) return;
  const int f = static_cast<int>(i / dstep_sample);
  const std::uint32_t bits = dstep_pattern<T>(i % dstep_sample);
  full[i] = gfn_call<T, Mode>(f, bits);
  exact[i] = dstep_exact<T, Mode>(f, bits);
}

struct dstep_totals {
  unsigned long long answers = 0, declines = 0, mismatches = 0, sampled = 0, sample_bad = 0;
};
inline dstep_totals dstep_all;

template <class T, class Mode, int G>
void dstep_every(dstep_counts* d, unsigned long long& bad) {
  constexpr std::uint64_t count = std::uint64_t{1} << T::format_type::total_bits;
  const dstep_counts init{0, 0, 0, ~0ull};
  CUDA_OK(cudaMemcpy(d, &init, sizeof init, cudaMemcpyHostToDevice));
  dstep_every_kernel<T, Mode, G><<<132 * 16, 256>>>(count, d);
  CUDA_OK(cudaGetLastError());
  dstep_counts c{};
  CUDA_OK(cudaMemcpy(&c, d, sizeof c, cudaMemcpyDeviceToHost));
  std::printf(" %s %llu/%.4f%%", g_names[G], c.mismatches, 100.0 * static_cast<double>(c.declines) / count);
  if (c.mismatches) std::printf(" (first x=0x%llx)", c.first);
  if (c.answers + c.declines != count) {
    std::printf(" (COUNT %llu != %llu)", c.answers + c.declines, static_cast<unsigned long long>(count));
    ++bad;
  }
  bad += c.mismatches;
  dstep_all.answers += c.answers, dstep_all.declines += c.declines, dstep_all.mismatches += c.mismatches;
}
template <class T, class Mode, int... G>
void dstep_every_fns(std::integer_sequence<int, G...>, dstep_counts* d, unsigned long long& bad) {
  (dstep_every<T, Mode, G>(d, bad), ...);
}

template <int K>
void dstep_part() {
  using C = dstep_case<K>;
  using T = typename C::T;
  using Mode = typename C::Mode;
  floatlab_cuda_test::dev_buf<dstep_counts> d(1);
  unsigned long long bad = 0;
  std::printf("dstep %-9s %-12s every input:", C::name, m_names[K / 2]);
  dstep_every_fns<T, Mode>(std::make_integer_sequence<int, g_count>{}, d.p, bad);
  // The sample: GPU whole call and GPU exact path, each against the CPU's call.
  const std::uint32_t n = dstep_sample * g_count;
  floatlab_cuda_test::dev_buf<std::uint32_t> full(n), exact(n);
  dstep_sample_kernel<T, Mode><<<(n + 255) / 256, 256>>>(full.p, exact.p);
  CUDA_OK(cudaGetLastError());
  const std::vector<std::uint32_t> got_full = full.get(n), got_exact = exact.get(n);
  std::vector<std::uint32_t> want(n);
  dstep_reference<K>(want.data());
  unsigned long long sample_bad = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const bool b = got_full[i] != want[i] || got_exact[i] != want[i];
    if (b && ++sample_bad <= 3)
      std::printf("\n  MISMATCH %s %s %s x=0x%x: GPU call 0x%x, GPU exact 0x%x, CPU 0x%x", C::name, m_names[K / 2],
                  g_names[i / dstep_sample], dstep_pattern<T>(i % dstep_sample), got_full[i], got_exact[i], want[i]);
  }
  std::printf("; sample of %u x %d: %llu mismatches (GPU call, GPU exact vs CPU)\n", dstep_sample, g_count, sample_bad);
  dstep_all.sampled += n, dstep_all.sample_bad += sample_bad;
  if (bad || sample_bad) ++failures;
}

// CI's compile check: the double step in every deterministic mode (its conversions), cheaply.
template <class Mode>
__global__ void dstep_compile_kernel(const std::uint32_t* in, std::uint32_t* out, std::uint32_t n) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::uint32_t o = 0;
  out[i] = fl::detail::cr::gpu_double_step<fl::binary32::format_type, Mode, fl::detail::cr::fn_exp>(in[i], o) ? o : 0;
}

// ---- the parts ---------------------------------------------------------------------------
#if defined(FLOATLAB_MATH_SPLIT)  // the CPU references come from math_ref.cpp (g++), the parts from their TUs
extern template void math_cases::full_reference<0>(std::uint32_t*);
extern template void math_cases::full_reference<1>(std::uint32_t*);
extern template void math_cases::full_reference<2>(std::uint32_t*);
extern template void math_cases::full_reference<3>(std::uint32_t*);
extern template void math_cases::full_reference<4>(std::uint32_t*);
extern template void math_cases::full_reference<5>(std::uint32_t*);
extern template void math_cases::step_reference<0>(std::uint32_t*);
extern template void math_cases::step_reference<1>(std::uint32_t*);
extern template void math_cases::step_reference<2>(std::uint32_t*);
extern template void math_cases::step_reference<3>(std::uint32_t*);
extern template void math_cases::step_reference<4>(std::uint32_t*);
extern template void math_cases::step_reference<5>(std::uint32_t*);
extern template void math_cases::step_reference<6>(std::uint32_t*);
extern template void math_cases::step_reference<7>(std::uint32_t*);
extern template void math_cases::step_reference<8>(std::uint32_t*);
extern template void math_cases::step_reference<9>(std::uint32_t*);
extern template void math_cases::step_reference<10>(std::uint32_t*);
extern template void math_cases::step_reference<11>(std::uint32_t*);
extern template void math_cases::dstep_reference<0>(std::uint32_t*);
extern template void math_cases::dstep_reference<1>(std::uint32_t*);
extern template void math_cases::dstep_reference<2>(std::uint32_t*);
extern template void math_cases::dstep_reference<3>(std::uint32_t*);
extern template void math_cases::dstep_reference<4>(std::uint32_t*);
extern template void math_cases::dstep_reference<5>(std::uint32_t*);
extern template void math_cases::dstep_reference<6>(std::uint32_t*);
extern template void math_cases::dstep_reference<7>(std::uint32_t*);
extern template void math_cases::dstep_reference<8>(std::uint32_t*);
extern template void math_cases::dstep_reference<9>(std::uint32_t*);
extern template void math_cases::dstep_reference<10>(std::uint32_t*);
extern template void math_cases::dstep_reference<11>(std::uint32_t*);
#if !defined(FLOATLAB_MATH_FULL) && !defined(FLOATLAB_MATH_STEP) && !defined(FLOATLAB_MATH_DSTEP)
extern template void full_part<0>();
extern template void full_part<1>();
extern template void full_part<2>();
extern template void full_part<3>();
extern template void full_part<4>();
extern template void full_part<5>();
extern template void step_part<0>();
extern template void step_part<1>();
extern template void step_part<2>();
extern template void step_part<3>();
extern template void step_part<4>();
extern template void step_part<5>();
extern template void step_part<6>();
extern template void step_part<7>();
extern template void step_part<8>();
extern template void step_part<9>();
extern template void step_part<10>();
extern template void step_part<11>();
extern template void dstep_part<0>();
extern template void dstep_part<1>();
extern template void dstep_part<2>();
extern template void dstep_part<3>();
extern template void dstep_part<4>();
extern template void dstep_part<5>();
extern template void dstep_part<6>();
extern template void dstep_part<7>();
extern template void dstep_part<8>();
extern template void dstep_part<9>();
extern template void dstep_part<10>();
extern template void dstep_part<11>();
#endif
#endif
#if defined(FLOATLAB_MATH_FULL)
template void full_part<FLOATLAB_MATH_FULL>();
#elif defined(FLOATLAB_MATH_STEP)
template void step_part<FLOATLAB_MATH_STEP>();
#elif defined(FLOATLAB_MATH_DSTEP)
template void dstep_part<FLOATLAB_MATH_DSTEP>();
#endif

#if !defined(FLOATLAB_MATH_FULL) && !defined(FLOATLAB_MATH_STEP) && \
    !defined(FLOATLAB_MATH_DSTEP)  // main's TU: the benchmark and main
// ---- throughput --------------------------------------------------------------------------

// The chain's next input: the last bit flipped (the calls stay dependent and vary), and for exp
// the sign too, so x -> exp(-x) stays in (0, e] from inputs in [-1, 1) (x -> exp(x) overflows
// within three calls, and every later call then timed inf / NaN: session 11's exp figures).
template <class T>
__host__ __device__ constexpr typename T::storage_type chain_flip(int op) {
  using S = typename T::storage_type;
  return static_cast<S>(op == 0 || op == 3 ? T::format_type::sign_mask | S{1} : S{1});
}
template <int Op, class T>
__device__ __forceinline__ void fl_chain(const T* in, T* out, std::size_t n, int reps) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  T x = in[i];
  for (int r = 0; r < reps; ++r) {
    if constexpr (Op == 0)
      x = fl::exp(x);
    else if constexpr (Op == 1)
      x = fl::tanh(x);
    else
      x = fl::sin(x);
    x = T::from_bits(static_cast<typename T::storage_type>(x.bits() ^ chain_flip<T>(Op)));
  }
  out[i] = x;
}
template <int Op, class T>
__global__ void fl_loop(const T* in, T* out, std::size_t n, int reps) {
  fl_chain<Op>(in, out, n, reps);
}
// The same chain with the registers capped at 32 (8 blocks of 256 per SM): what a user's kernel
// gains from __launch_bounds__ when the exact path's registers limit its occupancy.
template <int Op, class T>
__global__ void __launch_bounds__(256, 8) fl_loop_lb(const T* in, T* out, std::size_t n, int reps) {
  fl_chain<Op>(in, out, n, reps);
}
// The same chain, counting the calls whose GPU float step declines (binary16, bfloat16):
// counts[0] the failed tests on normal inputs, counts[1] the inputs that are not normal numbers
// (none in these chains since session 12's exp(-x) chain).
template <int Op, class T>
__global__ void fl_loop_declines(const T* in, std::size_t n, int reps, unsigned long long* counts) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  T x = in[i];
  unsigned dec = 0, special = 0;
  for (int r = 0; r < reps; ++r) {
    const bool normal = fl::detail::cr::normal_pattern<typename T::format_type>(x.bits());
    special += !normal;
    dec += normal && step_eval<T, fl::round::nearest_even>(Op == 0   ? g_exp
                                                           : Op == 1 ? g_tanh
                                                                     : g_sin,
                                                           x.bits()) == declined;
    if constexpr (Op == 0)
      x = fl::exp(x);
    else if constexpr (Op == 1)
      x = fl::tanh(x);
    else
      x = fl::sin(x);
    x = T::from_bits(static_cast<typename T::storage_type>(x.bits() ^ chain_flip<T>(Op)));
  }
  if (dec) atomicAdd(counts, static_cast<unsigned long long>(dec));
  if (special) atomicAdd(counts + 1, static_cast<unsigned long long>(special));
}
template <int Op>
__global__ void cuda_loop(const float* in, float* out, std::size_t n, int reps) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  float x = in[i];
  for (int r = 0; r < reps; ++r) {
    if constexpr (Op == 0)
      x = expf(x);
    else if constexpr (Op == 1)
      x = tanhf(x);
    else if constexpr (Op == 2)
      x = sinf(x);
    else
      x = __expf(x);
    x = __uint_as_float(__float_as_uint(x) ^ chain_flip<fl::binary32>(Op));
  }
  out[i] = x;
}

template <class F>
static double ms_of(F&& f) {
  cudaEvent_t a, b;
  cudaEventCreate(&a), cudaEventCreate(&b);
  f();
  cudaEventRecord(a);
  for (int i = 0; i < 3; ++i) f();
  cudaEventRecord(b);
  cudaEventSynchronize(b);
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  cudaEventDestroy(a), cudaEventDestroy(b);
  return ms / 3;
}

// Inputs in [-1, 1): every function stays in its interesting range through the chain.
__global__ void fill(float* f, fl::binary16* h, fl::bfloat16* bf, fl::binary32* s, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const float v = static_cast<float>(fl::philox_word(1, i, 0) >> 8) / 8388608.0f - 1.0f;
  f[i] = v;
  h[i] = fl::binary16(v);
  bf[i] = fl::bfloat16(v);
  s[i] = fl::binary32(v);
}

#ifndef FLOATLAB_MATH_KERNEL_CI
static void bench() {
  const std::size_t n = std::size_t{1} << 24;
  const int reps = 16;
  floatlab_cuda_test::dev_buf<float> f(n), fo(n);
  floatlab_cuda_test::dev_buf<fl::binary16> h(n), ho(n);
  floatlab_cuda_test::dev_buf<fl::bfloat16> bf(n), bfo(n);
  floatlab_cuda_test::dev_buf<fl::binary32> s(n), so(n);
  floatlab_cuda_test::dev_buf<unsigned long long> dec(2);
  const unsigned blocks = static_cast<unsigned>((n + 255) / 256);
  fill<<<blocks, 256>>>(f.p, h.p, bf.p, s.p, n);
  CUDA_OK(cudaDeviceSynchronize());
  const double calls = static_cast<double>(n) * reps / 1e9;  // G calls
  auto rate = [&](auto&& launch) { return calls / ms_of(launch) * 1e3; };
  double spec[2][3];  // share of the calls on inputs that are not normal numbers
  auto declines = [&](auto&& launch, double& special) {
    CUDA_OK(cudaMemset(dec.p, 0, 2 * sizeof(unsigned long long)));
    launch();
    CUDA_OK(cudaDeviceSynchronize());
    const std::vector<unsigned long long> c = dec.get(2);
    special = 100.0 * static_cast<double>(c[1]) / (static_cast<double>(n) * reps);
    return 100.0 * static_cast<double>(c[0]) / (static_cast<double>(n) * reps);
  };
  std::printf(
      "\n3. GPU throughput (2^24 threads x 16 dependent calls, nearest even), G calls/s; ratio = floatlab / CUDA"
      " float (target >= 0.33);\n   decl = share of the 16-bit calls whose GPU float step failed its test on a"
      " normal input (exact path ran)\n");
  const char* names[3] = {"exp", "tanh", "sin"};
  double ref[3], h16[3], b16[3], b32[3], dh[3], db[3];
  ref[0] = rate([&] { cuda_loop<0><<<blocks, 256>>>(f.p, fo.p, n, reps); });
  ref[1] = rate([&] { cuda_loop<1><<<blocks, 256>>>(f.p, fo.p, n, reps); });
  ref[2] = rate([&] { cuda_loop<2><<<blocks, 256>>>(f.p, fo.p, n, reps); });
  const double fast_exp = rate([&] { cuda_loop<3><<<blocks, 256>>>(f.p, fo.p, n, reps); });
  h16[0] = rate([&] { fl_loop<0><<<blocks, 256>>>(h.p, ho.p, n, reps); });
  h16[1] = rate([&] { fl_loop<1><<<blocks, 256>>>(h.p, ho.p, n, reps); });
  h16[2] = rate([&] { fl_loop<2><<<blocks, 256>>>(h.p, ho.p, n, reps); });
  b16[0] = rate([&] { fl_loop<0><<<blocks, 256>>>(bf.p, bfo.p, n, reps); });
  b16[1] = rate([&] { fl_loop<1><<<blocks, 256>>>(bf.p, bfo.p, n, reps); });
  b16[2] = rate([&] { fl_loop<2><<<blocks, 256>>>(bf.p, bfo.p, n, reps); });
  b32[0] = rate([&] { fl_loop<0><<<blocks, 256>>>(s.p, so.p, n, reps); });
  b32[1] = rate([&] { fl_loop<1><<<blocks, 256>>>(s.p, so.p, n, reps); });
  b32[2] = rate([&] { fl_loop<2><<<blocks, 256>>>(s.p, so.p, n, reps); });
  double lb[3][3];  // [format][op], __launch_bounds__(256, 8)
  lb[0][0] = rate([&] { fl_loop_lb<0><<<blocks, 256>>>(h.p, ho.p, n, reps); });
  lb[0][1] = rate([&] { fl_loop_lb<1><<<blocks, 256>>>(h.p, ho.p, n, reps); });
  lb[0][2] = rate([&] { fl_loop_lb<2><<<blocks, 256>>>(h.p, ho.p, n, reps); });
  lb[1][0] = rate([&] { fl_loop_lb<0><<<blocks, 256>>>(bf.p, bfo.p, n, reps); });
  lb[1][1] = rate([&] { fl_loop_lb<1><<<blocks, 256>>>(bf.p, bfo.p, n, reps); });
  lb[1][2] = rate([&] { fl_loop_lb<2><<<blocks, 256>>>(bf.p, bfo.p, n, reps); });
  lb[2][0] = rate([&] { fl_loop_lb<0><<<blocks, 256>>>(s.p, so.p, n, reps); });
  lb[2][1] = rate([&] { fl_loop_lb<1><<<blocks, 256>>>(s.p, so.p, n, reps); });
  lb[2][2] = rate([&] { fl_loop_lb<2><<<blocks, 256>>>(s.p, so.p, n, reps); });
  dh[0] = declines([&] { fl_loop_declines<0><<<blocks, 256>>>(h.p, n, reps, dec.p); }, spec[0][0]);
  dh[1] = declines([&] { fl_loop_declines<1><<<blocks, 256>>>(h.p, n, reps, dec.p); }, spec[0][1]);
  dh[2] = declines([&] { fl_loop_declines<2><<<blocks, 256>>>(h.p, n, reps, dec.p); }, spec[0][2]);
  db[0] = declines([&] { fl_loop_declines<0><<<blocks, 256>>>(bf.p, n, reps, dec.p); }, spec[1][0]);
  db[1] = declines([&] { fl_loop_declines<1><<<blocks, 256>>>(bf.p, n, reps, dec.p); }, spec[1][1]);
  db[2] = declines([&] { fl_loop_declines<2><<<blocks, 256>>>(bf.p, n, reps, dec.p); }, spec[1][2]);
  CUDA_OK(cudaGetLastError());
  std::printf("%-6s %10s %11s %7s %7s %11s %7s %7s %11s %7s\n", "fn", "CUDA float", "fl binary16", "ratio", "decl",
              "fl bfloat16", "ratio", "decl", "fl binary32", "ratio");
  for (int k = 0; k < 3; ++k)
    std::printf("%-6s %10.2f %11.2f %7.3f %6.2f%% %11.2f %7.3f %6.2f%% %11.2f %7.3f\n", names[k], ref[k], h16[k],
                h16[k] / ref[k], dh[k], b16[k], b16[k] / ref[k], db[k], b32[k], b32[k] / ref[k]);
  std::printf("__launch_bounds__(256, 8) (32 registers), ratio binary16 / bfloat16 / binary32:");
  for (int k = 0; k < 3; ++k)
    std::printf(" %s %.3f / %.3f / %.3f", names[k], lb[0][k] / ref[k], lb[1][k] / ref[k], lb[2][k] / ref[k]);
  std::printf("\n");
  std::printf("__expf %10.2f (fl binary16 exp / __expf = %.3f)\n", fast_exp, h16[0] / fast_exp);
  std::printf(
      "calls on inputs that are not normal numbers (NaN, inf: the exact path's special cases), binary16 /"
      " bfloat16: exp %.1f%% / %.1f%%, tanh %.1f%% / %.1f%%, sin %.1f%% / %.1f%%\n",
      spec[0][0], spec[1][0], spec[0][1], spec[1][1], spec[0][2], spec[1][2]);
  std::printf(
      "(session 10, before the float step, same table on the H200: binary16 exp 0.102, tanh 0.118, sin 0.305;"
      " binary32 exp 0.112, tanh 0.121, sin 0.305)\n");
}
#endif

int main(int argc, char** argv) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  // 1. The whole call. Few instantiations: math.hpp is large, and each one compiles every
  // function for the device.
  std::printf("1. the whole call, GPU vs CPU, every input: mismatches per function\n");
  full_part<0>();
#ifndef FLOATLAB_MATH_KERNEL_CI  // CI's compile check: one instantiation (every function), no step check, no bench
  full_part<1>();
  full_part<2>();
  full_part<3>();
  full_part<4>();
  full_part<5>();
  // 2. The GPU float step alone, every input of each format, the six deterministic modes.
  std::printf(
      "\n2. the GPU float step alone (math.hpp gpu_float_step), every input, vs the CPU's full call;\n"
      "   per function: mismatches / share of all inputs declined (zeros, subnormals, inf, NaN and\n"
      "   failed tests: those take the exact path, checked by 1)\n");
  step_part<0>();
  step_part<1>();
  step_part<2>();
  step_part<3>();
  step_part<4>();
  step_part<5>();
  step_part<6>();
  step_part<7>();
  step_part<8>();
  step_part<9>();
  step_part<10>();
  step_part<11>();
  std::printf("step total: %zu answers checked, %zu mismatches, %zu declined\n", step_all.checked, step_all.mismatches,
              step_all.declines);
  // 4. The GPU double step (session 13), every binary32 and tf32 input, the six deterministic modes.
  std::printf(
      "\n4. the GPU double step alone (math.hpp gpu_double_step), every input, vs the exact path on the GPU;\n"
      "   per function: mismatches / share of all inputs declined; then a random sample, GPU vs CPU\n");
  dstep_part<0>();
  dstep_part<1>();
  dstep_part<2>();
  dstep_part<3>();
  dstep_part<4>();
  dstep_part<5>();
  dstep_part<6>();
  dstep_part<7>();
  dstep_part<8>();
  dstep_part<9>();
  dstep_part<10>();
  dstep_part<11>();
  std::printf("dstep total: %llu answers checked, %llu mismatches, %llu declined; sample %llu, %llu mismatches\n",
              dstep_all.answers, dstep_all.mismatches, dstep_all.declines, dstep_all.sampled, dstep_all.sample_bad);
  if (!(argc > 1 && std::strcmp(argv[1], "--no-bench") == 0)) bench();
#else
  (void)argc, (void)argv;
  {  // the double step's code in the six modes (compiled; run on one input each)
    floatlab_cuda_test::dev_buf<std::uint32_t> io(1);
    CUDA_OK(cudaMemset(io.p, 0, sizeof(std::uint32_t)));
    dstep_compile_kernel<fl::round::nearest_even><<<1, 1>>>(io.p, io.p, 1);
    dstep_compile_kernel<fl::round::nearest_away><<<1, 1>>>(io.p, io.p, 1);
    dstep_compile_kernel<fl::round::toward_zero><<<1, 1>>>(io.p, io.p, 1);
    dstep_compile_kernel<fl::round::upward><<<1, 1>>>(io.p, io.p, 1);
    dstep_compile_kernel<fl::round::downward><<<1, 1>>>(io.p, io.p, 1);
    dstep_compile_kernel<fl::round::odd><<<1, 1>>>(io.p, io.p, 1);
    CUDA_OK(cudaDeviceSynchronize());
  }
#endif
  std::printf(failures ? "\n%d CHECKS FAILED\n" : "\nmath on the GPU equals the CPU bit for bit\n", failures);
  return failures ? 1 : 0;
}
#endif  // main's TU
