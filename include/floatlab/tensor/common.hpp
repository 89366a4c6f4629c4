// floatlab/tensor/common.hpp: what every host tensor operation shares.
//
// - counter_source: the random source of tensor operations. A stochastic rounding of a
//   tensor operation draws philox_word(seed, element, operation) (random.hpp), where the
//   element index and the operation number are fixed by the operation (docs/tensor.md), so
//   results never depend on the thread count or the SIMD width, and a GPU kernel that
//   draws the same (element, operation) pairs gets the same bits.
// - set_threads / threads: how many host threads operations may use (results do not
//   depend on it).
// - matrix checks shared by GEMM and convolution (shape, leading dimension, overflow).
//
// Host code: std library and std::thread allowed (design.md, tensor/).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <thread>
#include <type_traits>
#include <vector>

#include "../cfloat.hpp"
#include "../random.hpp"
#include "../rounding.hpp"
#include "../status.hpp"
#include "../view.hpp"

namespace floatlab::tensor {

// Counter-based random source for tensor operations: the word for one rounding is
// philox_word(seed, element, operation). Pass it as the trailing (source) or (mode, source).
struct counter_source {
  std::uint64_t seed = 0;
  std::uint32_t word(std::uint64_t element, std::uint32_t operation) const noexcept {
    return philox_word(seed, element, operation);
  }
};

template <class T>
inline constexpr bool is_counter_source_v = std::is_same_v<std::decay_t<T>, counter_source>;

// ---- threads ---------------------------------------------------------------------------

namespace detail {
inline std::atomic<int>& thread_setting() noexcept {
  static std::atomic<int> n{0};  // 0: hardware_concurrency
  return n;
}
}  // namespace detail

// Threads that tensor operations may use; n <= 0 restores the default (all hardware threads).
inline void set_threads(int n) noexcept { detail::thread_setting().store(n > 0 ? n : 0); }
inline int threads() noexcept {
  const int n = detail::thread_setting().load();
  if (n > 0) return n;
  const unsigned h = std::thread::hardware_concurrency();
  return h ? static_cast<int>(h) : 1;
}

namespace detail {

// Runs body(task) for task in [0, tasks) on up to threads() threads. Tasks are independent
// (each writes its own outputs), so the split cannot change any result.
inline bool& inside_parallel() noexcept {
  static thread_local bool inside = false;
  return inside;
}

template <class Body>
void parallel_for(std::size_t tasks, Body&& body, std::size_t min_tasks_per_thread = 1) {
  if (tasks == 0) return;
  // Nested calls (a batch of small GEMMs run in parallel) run serially on their thread.
  std::size_t t = inside_parallel() ? 1 : static_cast<std::size_t>(threads());
  t = std::min(t, (tasks + min_tasks_per_thread - 1) / min_tasks_per_thread);
  if (t <= 1) {
    for (std::size_t i = 0; i < tasks; ++i) body(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    const bool was = inside_parallel();
    inside_parallel() = true;
    for (std::size_t i = next.fetch_add(1); i < tasks; i = next.fetch_add(1)) body(i);
    inside_parallel() = was;
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (std::size_t i = 0; i + 1 < t; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

// a * b without overflow of size_t; false on overflow.
inline bool mul_ok(std::size_t a, std::size_t b, std::size_t& out) noexcept {
  return !__builtin_mul_overflow(a, b, &out);
}
inline bool add_ok(std::size_t a, std::size_t b, std::size_t& out) noexcept {
  return !__builtin_add_overflow(a, b, &out);
}

// Elements a strided 2-D array needs: (rows - 1) * ld + cols (0 for an empty one).
inline bool extent_2d(std::size_t rows, std::size_t cols, std::size_t ld, std::size_t& out) noexcept {
  if (rows == 0 || cols == 0) {
    out = 0;
    return true;
  }
  std::size_t t = 0;
  return mul_ok(rows - 1, ld, t) && add_ok(t, cols, out);
}

template <class T>
inline bool null_with_size(array_view<T> v) noexcept {
  return v.data == nullptr && v.size != 0;
}

// Mode resolution for tensor ops: trailing (mode), (mode, source) or (source).
template <class Default, class... Args>
struct tensor_args;
template <class Default>
struct tensor_args<Default> {
  using mode = Default;
  static constexpr bool has_mode = false;
  static counter_source source() noexcept { return {}; }
};
template <class Default, class A>
struct tensor_args<Default, A> {
  static constexpr bool a_is_mode = is_rounding_mode_v<std::decay_t<A>>;
  static_assert(a_is_mode || is_counter_source_v<A>,
                "tensor operation: trailing arguments are (mode), (mode, source) or (source), with source a "
                "floatlab::tensor::counter_source");
  using mode = std::conditional_t<a_is_mode, std::decay_t<A>, Default>;
  static constexpr bool has_mode = a_is_mode;
  static constexpr bool has_source = !a_is_mode;
};
template <class Default, class A, class B>
struct tensor_args<Default, A, B> {
  static_assert(is_rounding_mode_v<std::decay_t<A>> && is_counter_source_v<B>,
                "tensor operation: trailing arguments are (mode), (mode, source) or (source), with source a "
                "floatlab::tensor::counter_source");
  using mode = std::decay_t<A>;
  static constexpr bool has_mode = true;
  static constexpr bool has_source = true;
};

template <class... Args>
inline counter_source source_of(const Args&... args) noexcept {
  counter_source s{};
  ((void)[&](const auto& a) {
    if constexpr (is_counter_source_v<decltype(a)>) s = a;
  }(args), ...);
  return s;
}
template <class... Args>
inline constexpr bool has_source_v = (is_counter_source_v<Args> || ...);

// A stochastic mode anywhere in an operation needs a source argument.
template <bool Stochastic, bool HasSource>
constexpr void require_source() noexcept {
  static_assert(!Stochastic || HasSource,
                "tensor operation: a stochastic rounding mode needs a random source: pass "
                "floatlab::tensor::counter_source{seed} as the trailing (mode, source) or (source)");
}

}  // namespace detail

// With a trailing mode: the given mode replaces the type's mode of every rounding of the op.
template <class T, class Mode, class = void>
struct apply_mode {
  using type = T;
};
template <class T, class Mode>
struct apply_mode<T, Mode, std::enable_if_t<is_cfloat_v<T>>> {
  using type = with_rounding_t<T, Mode>;
};
template <class T, class Mode>
using apply_mode_t = typename apply_mode<T, Mode>::type;

}  // namespace floatlab::tensor
