// floatlab/detail/call_args.hpp: the calling convention (docs/api.md), written once.
//
// Every operation of every floatlab type takes its rounding mode and random source as
// optional trailing arguments: (), (mode), (mode, source) or (source). mode_of_t picks the
// mode (the type's own when none is given); word_from draws the one random word a rounding
// needs (none for deterministic modes), and rejects a stochastic mode without a source at
// compile time. Operators of stochastic types draw from the host thread's engine.
#pragma once

#include "../random.hpp"
#include "../rounding.hpp"

namespace floatlab::detail {

template <class Mode>
FLOATLAB_HOST_DEVICE constexpr std::uint32_t draw_implicit() noexcept {
  if constexpr (!is_stochastic_v<Mode>) {
    return 0;
  } else {
#if FLOATLAB_DEVICE_PASS
    static_assert(!is_stochastic_v<Mode>,
                  "operators of stochastic cfloat types use the host thread engine; in device code "
                  "call add(a, b, rng) etc. with an explicit random source");
    return 0;
#else
    return thread_rng()();
#endif
  }
}

template <class Default, class... Args>
struct mode_of {
  using type = Default;
};
template <class Default, class First, class... Rest>
struct mode_of<Default, First, Rest...> {
  using type = std::conditional_t<is_rounding_mode_v<std::decay_t<First>>, std::decay_t<First>, Default>;
};
template <class Default, class... Args>
using mode_of_t = typename mode_of<Default, Args...>::type;

template <class Mode>
FLOATLAB_HOST_DEVICE constexpr std::uint32_t word_from() noexcept {
  if constexpr (is_stochastic_v<Mode>) return draw_implicit<Mode>();
  return 0;
}
template <class Mode, class A>
FLOATLAB_HOST_DEVICE constexpr std::uint32_t word_from(A&& a) noexcept {
  if constexpr (is_rounding_mode_v<std::decay_t<A>>) {
    static_assert(!is_stochastic_v<std::decay_t<A>>,
                  "a stochastic mode passed to a free function needs a random source: op(..., mode, rng)");
    return 0;
  } else if constexpr (is_stochastic_v<Mode>) {
    return static_cast<std::uint32_t>(a());
  } else {
    return 0;
  }
}
template <class Mode, class A, class B>
FLOATLAB_HOST_DEVICE constexpr std::uint32_t word_from(A&&, B&& b) noexcept {
  static_assert(is_rounding_mode_v<std::decay_t<A>>, "optional arguments are (mode), (mode, rng) or (rng)");
  if constexpr (is_stochastic_v<Mode>) return static_cast<std::uint32_t>(b());
  return 0;
}

// Does the call draw from a stateful engine with a refill branch (no source given: the
// operators' thread_rng(); or a philox_rng, thread_rng() itself among them)? A loop around such
// a call stays scalar whatever the operation, so an operation with a vectorizable path and a
// faster scalar one may take the scalar one (sqrt: the hardware root, cfloat.hpp sqrt_bits).
// Every other source (word_stream, fixed_word, a user's own) is taken as possibly vectorized.
template <class... Args>
struct sequential_source : std::false_type {};
template <>
struct sequential_source<> : std::true_type {};
template <class A>
struct sequential_source<A>
    : std::bool_constant<is_rounding_mode_v<std::decay_t<A>> || std::is_base_of_v<philox_rng, std::decay_t<A>>> {};
template <class A, class B>
struct sequential_source<A, B> : std::bool_constant<std::is_base_of_v<philox_rng, std::decay_t<B>>> {};
template <class... Args>
inline constexpr bool sequential_source_v = sequential_source<Args...>::value;

// One word from an explicit source, for Mode (none for deterministic modes).
template <class Mode, class Rng>
FLOATLAB_HOST_DEVICE constexpr std::uint32_t draw_word(Rng& rng) noexcept {
  if constexpr (is_stochastic_v<Mode>)
    return static_cast<std::uint32_t>(rng());
  else
    return 0;
}

// Does the random source offer fill(uint32_t*, size_t) (bulk generation, philox_bulk_rng)?
template <class Rng, class = void>
struct has_fill : std::false_type {};
template <class Rng>
struct has_fill<Rng, std::void_t<decltype(std::declval<Rng&>().fill(static_cast<std::uint32_t*>(nullptr), std::size_t{0}))>>
    : std::true_type {};

// The next n words of a source, in order (the same words as n calls).
template <class Rng>
FLOATLAB_HOST_DEVICE void draw_words(Rng& rng, std::uint32_t* out, std::size_t n) noexcept {
  if constexpr (has_fill<std::remove_reference_t<Rng>>::value)
    rng.fill(out, n);
  else
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(rng());
}

}  // namespace floatlab::detail

namespace floatlab::detail {

// Do the optional arguments hold a random source: (mode, source) or (source)?
template <class... Args>
struct has_source : std::false_type {};
template <class A>
struct has_source<A> : std::bool_constant<!is_rounding_mode_v<std::decay_t<A>>> {};
template <class A, class B>
struct has_source<A, B> : std::true_type {};
template <class... Args>
inline constexpr bool has_source_v = has_source<Args...>::value;

// Checks the optional arguments of an array operation whose rounding draws many words.
template <class Mode, class... Args>
FLOATLAB_HOST_DEVICE constexpr void check_call_args() noexcept {
  static_assert(sizeof...(Args) <= 2, "optional arguments are (mode), (mode, source) or (source)");
  static_assert(!is_stochastic_v<Mode> || has_source_v<Args...>,
                "a stochastic mode needs a random source: op(..., mode, source)");
}

// The random source among the optional arguments (no_random when there is none).
FLOATLAB_HOST_DEVICE constexpr no_random source_of() noexcept { return {}; }
template <class A>
FLOATLAB_HOST_DEVICE constexpr decltype(auto) source_of(A&& a) noexcept {
  if constexpr (is_rounding_mode_v<std::decay_t<A>>)
    return no_random{};
  else
    return static_cast<A&&>(a);
}
template <class A, class B>
FLOATLAB_HOST_DEVICE constexpr B&& source_of(A&&, B&& b) noexcept {
  return static_cast<B&&>(b);
}

}  // namespace floatlab::detail
