// floatlab/activations.hpp: softmax and log-sum-exp over views, and the activation
// derivatives that math.hpp does not round correctly in one step.
//
// softmax<Acc>(x, y [, mode] [, rng]) and log_sum_exp<Acc>(x [, mode] [, rng]) run in the
// accumulation format Acc (default: the element type T), every step correctly rounded in
// the given mode (math.hpp and cfloat arithmetic), in this order:
//   m = max_i x_i (exact; a NaN input makes every output NaN)
//   d_i = x_i - m        in Acc (x_i, m converted to Acc first; d_i <= 0, so no overflow)
//   s = sum_i e^(d_i)     in Acc, left to right, starting from e^(d_0)
//   softmax: y_i = convert<T>(e^(d_i) / s)   log_sum_exp: m + log(s) in Acc
// Error (nearest modes, u_A = 2^-p of Acc; Higham, Accuracy and Stability, 2nd ed., 4.2 for
// the recursive sum, Blanchard-Higham-Mary, "Accurate computation of the log-sum-exp and
// softmax functions", IMA J. Numer. Anal. 41(4), 2021 for the shifted algorithms):
//   |y_i - softmax_i| <= ((n + 2) u_A + O(u_A^2)) softmax_i (1 + m-rounding term) + u_T softmax_i,
//   |lse - LSE| <= u_A |LSE| + (n + 1) u_A (1 + |m| / |LSE|)... in practice a few u_A |LSE|;
// the max subtraction keeps every e^(d_i) in (0, 1], so nothing overflows, and s >= 1.
// With stochastic modes every operation draws its own word; the numerators e^(d_i) of the
// final pass are recomputed (no scratch memory), so they are fresh draws, not the summed ones.
//
// Derivatives for training: logistic_grad (sigmoid'), tanh_grad and softplus_grad (= logistic)
// are correctly rounded (math.hpp). silu_grad and gelu_grad/gelu_tanh_grad are compositions of
// correctly rounded steps in T (documented below), not correctly rounded as a whole.
#pragma once

#include "math.hpp"
#include "status.hpp"
#include "view.hpp"

namespace floatlab {

namespace detail {
template <class Acc, class T>
using acc_t = std::conditional_t<std::is_void_v<Acc>, T, Acc>;
// A constant rounded once to nearest (no random draw, also for stochastic types).
template <class T>
FLOATLAB_HOST_DEVICE constexpr T constant(double v) noexcept {
  return convert<T>(v, round::nearest_even{});
}
}

template <class Acc = void, class T, class... Args>
FLOATLAB_HOST_DEVICE status softmax(array_view<const T> x, array_view<T> y, Args&&... args) noexcept {
  static_assert(is_cfloat_v<T>, "softmax: the element type T must be a floatlab::cfloat");
  using A = detail::acc_t<Acc, T>;
  static_assert(is_cfloat_v<A>, "softmax<Acc>: the accumulation type Acc must be a floatlab::cfloat");
  if (x.size != y.size) return status::error(status::bad_shape, "softmax: x and y must have the same size");
  if (x.size == 0) return {};
  if (overlaps(x, y) && x.data != y.data)
    return status::error(status::bad_argument, "softmax: y must be x itself or not overlap it");
  bool any_nan = false;
  T m = x[0];
  for (std::size_t i = 0; i < x.size; ++i) {
    any_nan = any_nan || isnan(x[i]);
    if (x[i] > m) m = x[i];
  }
  if (any_nan) {
    for (std::size_t i = 0; i < y.size; ++i) y[i] = std::numeric_limits<T>::quiet_NaN();
    return {status::invalid, nullptr};
  }
  const A ma = convert<A>(m, args...);
  A s{};
  for (std::size_t i = 0; i < x.size; ++i) {
    const A e = exp(sub(convert<A>(x[i], args...), ma, args...), args...);
    s = i == 0 ? e : add(s, e, args...);
  }
  for (std::size_t i = 0; i < x.size; ++i) {
    const A e = exp(sub(convert<A>(x[i], args...), ma, args...), args...);
    y[i] = convert<T>(div(e, s, args...), args...);
  }
  return {};
}

template <class Acc = void, class T, class... Args>
FLOATLAB_HOST_DEVICE with_status<detail::acc_t<Acc, T>> log_sum_exp(array_view<const T> x, Args&&... args) noexcept {
  static_assert(is_cfloat_v<T>, "log_sum_exp: the element type T must be a floatlab::cfloat");
  using A = detail::acc_t<Acc, T>;
  static_assert(is_cfloat_v<A>, "log_sum_exp<Acc>: the accumulation type Acc must be a floatlab::cfloat");
  if (x.size == 0)  // the empty sum: log 0 = -inf
    return {-std::numeric_limits<A>::infinity(), {status::division_by_zero, nullptr}};
  T m = x[0];
  for (std::size_t i = 0; i < x.size; ++i) {
    if (isnan(x[i])) return {std::numeric_limits<A>::quiet_NaN(), {status::invalid, nullptr}};
    if (x[i] > m) m = x[i];
  }
  const A ma = convert<A>(m, args...);
  if (isinf(ma)) return {ma, {}};  // +inf dominates; all -inf gives -inf
  A s{};
  for (std::size_t i = 0; i < x.size; ++i) {
    const A e = exp(sub(convert<A>(x[i], args...), ma, args...), args...);
    s = i == 0 ? e : add(s, e, args...);
  }
  return {add(ma, log(s, args...), args...), {}};
}

// silu'(x) = s (1 + x (1 - s)), s = logistic(x): logistic, 1 - s, x (1 - s), 1 + ..., s * ...
// each rounded in the mode (five roundings; relative error about 5u away from the root of
// silu' near x = -1.2785, absolute error about 3u near it).
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> silu_grad(cfloat<E, M, R, Enc> x, Args&&... args) noexcept {
  using T = cfloat<E, M, R, Enc>;
  const T one = detail::constant<T>(1.0);
  const T s = logistic(x, args...);
  return mul(s, add(one, mul(x, sub(one, s, args...), args...), args...), args...);
}

// gelu'(x) = Phi(x) + x phi(x) = gelu(x)/x + x e^(-x^2/2)/sqrt(2 pi) (x != 0; gelu'(0) = 1/2),
// computed as gelu(x)/x + x * (e^(-x^2/2) * 1/sqrt(2 pi)) with each step rounded.
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> gelu_grad(cfloat<E, M, R, Enc> x, Args&&... args) noexcept {
  using T = cfloat<E, M, R, Enc>;
  if (is_zero(x)) return detail::constant<T>(0.5);
  if (isinf(x)) return signbit(x) ? detail::constant<T>(0.0) : detail::constant<T>(1.0);
  const T phi_c = detail::constant<T>(0.3989422804014327);  // 1/sqrt(2 pi), rounded once to T
  const T half_x2 = mul(mul(x, x, args...), detail::constant<T>(0.5), args...);
  const T phi = mul(exp(-half_x2, args...), phi_c, args...);
  return add(div(gelu(x, args...), x, args...), mul(x, phi, args...), args...);
}

// gelu_tanh'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(u):
// computed from tanh_grad(u) = 1 - t^2 and gelu_tanh(x)/x = 0.5 (1 + t) (x != 0).
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> gelu_tanh_grad(cfloat<E, M, R, Enc> x, Args&&... args) noexcept {
  using T = cfloat<E, M, R, Enc>;
  if (is_zero(x)) return detail::constant<T>(0.5);
  if (isinf(x)) return signbit(x) ? detail::constant<T>(0.0) : detail::constant<T>(1.0);
  const T c = detail::constant<T>(0.7978845608028654), k = detail::constant<T>(0.134145);  // sqrt(2/pi), 3 * 0.044715, rounded once to T
  const T x2 = mul(x, x, args...);
  const T u = mul(c, mul(x, add(detail::constant<T>(1.0), mul(detail::constant<T>(0.044715), x2, args...), args...), args...), args...);
  const T du = mul(c, add(detail::constant<T>(1.0), mul(k, x2, args...), args...), args...);
  const T first = div(gelu_tanh(x, args...), x, args...);
  const T second = mul(mul(mul(x, detail::constant<T>(0.5), args...), tanh_grad(u, args...), args...), du, args...);
  return add(first, second, args...);
}

}  // namespace floatlab
