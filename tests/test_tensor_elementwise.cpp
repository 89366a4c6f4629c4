// Elementwise operations and reductions against plain loops of scalar cfloat operations.
#include <catch2/catch.hpp>

#include "tensor_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;

namespace {

template <class F, class Mode>
std::size_t check_ops(std::size_t n, std::uint64_t seed) {
  using TT = with_rounding_t<F, Mode>;
  const auto a = tref::random_floats(n, seed), b = tref::random_floats(n, seed + 1), c = tref::random_floats(n, seed + 2);
  const T::counter_source src{seed};
  auto q = [&](const std::vector<float>& v, std::size_t i, std::uint32_t op) {
    return convert<TT>(v[i], Mode{}, fixed_word{src.word(i, op)});
  };
  auto w = [&](std::size_t i) { return fixed_word{src.word(i, 0)}; };
  std::size_t bad = 0;
  std::vector<float> out(n);
  auto cmp = [&](auto&& ref) {
    for (std::size_t i = 0; i < n; ++i) bad += !tref::same(out[i], convert<float>(ref(i), round::nearest_even{}));
  };
  REQUIRE_FALSE(T::add<F>(a, b, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return add(q(a, i, T::op_input_a), q(b, i, T::op_input_b), Mode{}, w(i)); });
  REQUIRE_FALSE(T::sub<F>(a, b, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return sub(q(a, i, T::op_input_a), q(b, i, T::op_input_b), Mode{}, w(i)); });
  REQUIRE_FALSE(T::mul<F>(a, b, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return mul(q(a, i, T::op_input_a), q(b, i, T::op_input_b), Mode{}, w(i)); });
  REQUIRE_FALSE(T::div<F>(a, b, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return div(q(a, i, T::op_input_a), q(b, i, T::op_input_b), Mode{}, w(i)); });
  REQUIRE_FALSE(T::fma<F>(a, b, c, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return fma(q(a, i, T::op_input_a), q(b, i, T::op_input_b), q(c, i, T::op_input_c), Mode{}, w(i)); });
  REQUIRE_FALSE(T::sqrt<F>(a, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return sqrt(q(a, i, T::op_input_a), Mode{}, w(i)); });
  REQUIRE_FALSE(T::min<F>(a, b, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return min(q(a, i, T::op_input_a), q(b, i, T::op_input_b)); });
  REQUIRE_FALSE(T::max<F>(a, b, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return max(q(a, i, T::op_input_a), q(b, i, T::op_input_b)); });
  REQUIRE_FALSE(T::scale<F>(0.3, a, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) { return mul(q(a, i, T::op_input_a), convert<TT>(0.3, round::nearest_even{}), Mode{}, w(i)); });
  REQUIRE_FALSE(T::relu<F>(a, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) {
    const TT x = q(a, i, T::op_input_a);
    return signbit(x) && !is_zero(x) ? convert<TT>(0.0, round::nearest_even{}) : x;
  });
  REQUIRE_FALSE(T::leaky_relu<F>(0.01, a, out, Mode{}, src).rejected());
  cmp([&](std::size_t i) {
    const TT x = q(a, i, T::op_input_a);
    return signbit(x) && !is_zero(x) ? mul(convert<TT>(0.01, round::nearest_even{}), x, Mode{}, w(i)) : x;
  });
  // In place.
  std::vector<float> inplace = a;
  REQUIRE_FALSE(T::add<F>(inplace, b, inplace, Mode{}, src).rejected());
  for (std::size_t i = 0; i < n; ++i)
    bad += !tref::same(inplace[i], convert<float>(add(q(a, i, T::op_input_a), q(b, i, T::op_input_b), Mode{}, w(i)), round::nearest_even{}));
  return bad;
}

template <class F>
void modes(std::size_t n, std::uint64_t seed) {
  CHECK(check_ops<F, round::nearest_even>(n, seed) == 0);
  CHECK(check_ops<F, round::nearest_away>(n, seed + 10) == 0);
  CHECK(check_ops<F, round::toward_zero>(n, seed + 20) == 0);
  CHECK(check_ops<F, round::upward>(n, seed + 30) == 0);
  CHECK(check_ops<F, round::downward>(n, seed + 40) == 0);
  CHECK(check_ops<F, round::odd>(n, seed + 50) == 0);
  CHECK(check_ops<F, round::stochastic<8>>(n, seed + 60) == 0);
}

}  // namespace

TEST_CASE("elementwise ops equal scalar loops", "[tensor][elementwise]") {
  const std::size_t n = tref::scaled(20011, 101);
  modes<binary16>(n, 1);
  modes<bfloat16>(n, 2);
  modes<e4m3>(n, 3);
  modes<e5m2>(n, 4);
  modes<cfloat<8, 23>>(n / 4, 5);
}

TEST_CASE("elementwise rejections", "[tensor][elementwise]") {
  std::vector<float> a(10, 1.0f), b(9, 1.0f), out(10, 5.0f);
  CHECK(T::add<binary16>(a, b, out).has(status::bad_shape));
  CHECK(T::add<binary16>(floatlab::array_view<const float>(nullptr, 10), a, out).has(status::bad_argument));
  CHECK(T::add<binary16>(a, floatlab::array_view<float>(out.data() + 1, 9), floatlab::array_view<float>(out.data(), 10)).rejected());
  for (float v : out) CHECK(v == 5.0f);
}

TEST_CASE("reductions: sum per step, exact, compensated", "[tensor][reduce]") {
  std::mt19937_64 rng(9);
  const std::size_t n = tref::scaled(5000, 50);
  // Values k * 2^e with |k| < 2^24, -40 <= e <= 20: the exact sum is an integer multiple of
  // 2^-63 below 2^(45 + 13): an i128 holds it, and so does a double-double (<= 106 bits).
  std::vector<float> x(n);
  i128 exact = 0;
  for (auto& v : x) {
    const auto k = static_cast<std::int32_t>(rng() % (1u << 24)) - (1 << 23);
    const int e = static_cast<int>(rng() % 61) - 40;
    v = std::ldexp(static_cast<float>(k), e);
    exact += static_cast<i128>(k) << (e + 63);
  }
  auto ref_exact = [&](auto mode, std::uint32_t w) {
    using Mode = decltype(mode);
    using F = binary16::format_type;
    if (exact == 0) return binary16::from_bits(0);
    const bool neg = exact < 0;
    const u128 mag = neg ? static_cast<u128>(-exact) : static_cast<u128>(exact);
    return binary16::from_bits(round_pack<F, Mode>(neg, -63, mag, false, w));
  };
  const T::counter_source src{4};
  auto run = [&](auto mode) {
    using Mode = decltype(mode);
    binary16 got{}, got_c{};
    REQUIRE_FALSE(T::sum_exact<binary16>(x, got, Mode{}, src).rejected());
    CHECK(got.bits() == ref_exact(Mode{}, src.word(0, 2)).bits());
    REQUIRE_FALSE(T::sum_compensated<binary16>(x, got_c, Mode{}, src).rejected());
    CHECK(got_c.bits() == got.bits());
    // Per step: acc = round(acc + x_i).
    using H = with_rounding_t<binary16, Mode>;
    H acc = H::from_bits(0);
    for (std::size_t i = 0; i < n; ++i)
      acc = add(acc, convert<H>(x[i], Mode{}, fixed_word{src.word(i, T::op_input_a)}), Mode{}, fixed_word{src.word(i, 2)});
    binary16 got_s{};
    REQUIRE_FALSE(T::sum<binary16>(x, got_s, Mode{}, src).rejected());
    CHECK(got_s.bits() == acc.bits());
  };
  run(round::nearest_even{});
  run(round::toward_zero{});
  run(round::upward{});
  run(round::stochastic<8>{});
  // dot is the 1 x 1 x n GEMM.
  std::vector<float> y = tref::random_floats(n, 5, 1, false), z = tref::random_floats(n, 6, 1, false);
  float d = 0, d2 = 0;
  REQUIRE_FALSE(T::dot<T::gemm_recipe<binary16, binary16, binary16>>(y, z, d).rejected());
  T::gemm_shape s;
  s.m = 1, s.n = 1, s.k = n;
  std::vector<float> c(1);
  REQUIRE_FALSE(T::gemm<T::gemm_recipe<binary16, binary16, binary16>>(s, y, z, c).rejected());
  d2 = c[0];
  CHECK(tref::same(d, d2));
}

TEST_CASE("pooling equals the documented loops", "[tensor][pool]") {
  T::pool2d_shape s;
  s.n = 2, s.c = 3, s.h = 9, s.w = 11, s.kh = 3, s.kw = 2, s.stride_h = 2, s.stride_w = 1, s.pad_h = 1, s.pad_w = 1;
  const auto x = tref::random_floats(s.n * s.c * s.h * s.w, 77);
  const std::size_t OH = s.out_h(), OW = s.out_w();
  std::vector<float> ym(s.n * s.c * OH * OW), ya(ym.size());
  using SR = round::stochastic<8>;
  using H = with_rounding_t<binary16, SR>;
  const T::counter_source src{8};
  REQUIRE_FALSE(T::max_pool2d<binary16>(s, x, ym).rejected());
  REQUIRE_FALSE(T::avg_pool2d<binary16>(s, x, ya, SR{}, src).rejected());
  std::size_t bad = 0;
  for (std::size_t nc = 0; nc < s.n * s.c; ++nc)
    for (std::size_t p = 0; p < OH; ++p)
      for (std::size_t q = 0; q < OW; ++q) {
        const std::size_t e = (nc * OH + p) * OW + q;
        binary16 m{};
        H acc = convert<H>(0.0, round::nearest_even{});
        int t = 0;
        for (std::size_t r = 0; r < s.kh; ++r)
          for (std::size_t u = 0; u < s.kw; ++u) {
            const long hh = static_cast<long>(p * s.stride_h + r) - 1, ww = static_cast<long>(q * s.stride_w + u) - 1;
            if (hh < 0 || ww < 0 || hh >= 9 || ww >= 11) continue;
            const std::size_t at = (nc * s.h + static_cast<std::size_t>(hh)) * s.w + static_cast<std::size_t>(ww);
            const binary16 v = convert<binary16>(x[at]);
            m = t == 0 ? v : max(m, v);
            acc = add(acc, convert<H>(x[at], SR{}, fixed_word{src.word(at, T::op_input_a)}), SR{}, fixed_word{src.word(e, static_cast<std::uint32_t>(2 * t + 2))});
            ++t;
          }
        acc = div(acc, convert<H>(t, round::nearest_even{}), SR{}, fixed_word{src.word(e, T::op_pool_divide)});
        bad += !tref::same(ym[e], convert<float>(m, round::nearest_even{}));
        bad += !tref::same(ya[e], convert<float>(acc, round::nearest_even{}));
      }
  CHECK(bad == 0);
}

// axpy and norm2 against loops of the scalar operations; their status flags against the
// _status forms.
TEST_CASE("axpy and norm2 equal scalar loops; flags", "[tensor][elementwise][reduce][status]") {
  auto run = [](auto tag, auto mode) {
    using F = decltype(tag);
    using Mode = decltype(mode);
    using TT = with_rounding_t<F, Mode>;
    const std::size_t n = tref::scaled(5003, 101);
    const auto x = tref::random_floats(n, 7), y0 = tref::random_floats(n, 8);
    const T::counter_source src{9};
    auto w = [&](std::size_t i, std::uint32_t op) { return fixed_word{src.word(i, op)}; };
    std::vector<float> y = y0;
    const status st = T::axpy<F>(0.75, x, y, Mode{}, src);
    REQUIRE_FALSE(st.rejected());
    const TT a = convert<TT>(0.75, round::nearest_even{});
    std::size_t bad = 0;
    std::uint32_t want = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto xi = convert_status<TT>(x[i], Mode{}, w(i, T::op_input_a)), yi = convert_status<TT>(y0[i], Mode{}, w(i, T::op_input_b));
      const auto p = mul_status(a, xi.value, Mode{}, w(i, 1));
      const auto r = add_status(p.value, yi.value, Mode{}, w(i, 2));
      want |= xi.flags.flags | yi.flags.flags | p.flags.flags | r.flags.flags;
      bad += !tref::same(y[i], convert<float>(r.value));
    }
    CHECK(bad == 0);
    CHECK(st.flags == want);
    // norm2 = sqrt(dot(x, x)) in the accumulator, per-operation recipe.
    using R = T::gemm_recipe<F, F, F>;
    float nrm = 0;
    REQUIRE_FALSE(T::norm2<R>(x, nrm, Mode{}, src).rejected());
    TT acc = convert<TT>(0.0, round::nearest_even{});
    REQUIRE_FALSE(T::dot<R>(x, x, acc, Mode{}, src).rejected());
    const TT s = sqrt(acc, Mode{}, fixed_word{src.word(0, static_cast<std::uint32_t>(2 * n + 4))});
    CHECK(tref::same(nrm, convert<float>(s)));
  };
  run(binary16{}, round::nearest_even{});
  run(binary16{}, round::stochastic<8>{});
  run(bfloat16{}, round::toward_zero{});
  run(e4m3{}, round::upward{});
  // Flags that must appear: overflow (e4m3 max 448) and inexact.
  std::vector<float> big(8, 400.0f), yb(8, 300.0f);
  const status so = T::axpy<e4m3>(1.0, big, yb);
  CHECK(so.has(status::overflow));
  CHECK(so.has(status::inexact));
  std::vector<float> one(4, 1.0f), yo(4, 1.0f);
  CHECK(T::axpy<binary16>(1.0, one, yo).exact());
  CHECK(T::axpy<binary16>(1.0, one, one).has(status::bad_argument));  // y overlaps x
}

namespace {
// Codes (random + edge triples: specials, subnormals, extremes, close exponents) and random
// floats (NaN, inf, ties, huge and tiny values), groups of 16 and whole arrays.
template <class F, class Mode>
std::size_t flags_case(std::uint64_t seed) {
  using TT = with_rounding_t<F, Mode>;
  using Fmt = typename TT::format_type;
  using S = typename Fmt::storage;
  operands::generator<Fmt> gen(seed);
  const std::size_t n = tref::scaled(std::size_t{1} << 13, 512) + 5;
  std::vector<TT> a, b, c;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t x = gen.operand();
    a.push_back(TT::from_bits(static_cast<S>(x)));
    b.push_back(TT::from_bits(static_cast<S>(gen.operand(x))));
    c.push_back(TT::from_bits(static_cast<S>(gen.operand(x))));
  }
  std::size_t bad = tref::ew_flags_all_ops<TT, Mode>(a, b, c, 16, seed);
  const auto fa = tref::random_floats(n, seed + 1), fb = tref::random_floats(n, seed + 2), fc = tref::random_floats(n, seed + 3);
  bad += tref::ew_flags_all_ops<TT, Mode>(fa, fb, fc, 16, seed + 10);
  return bad;
}
}  // namespace

TEST_CASE("elementwise status flags equal the scalar _status forms", "[tensor][elementwise][status]") {
  CHECK(flags_case<binary16, round::nearest_even>(1) == 0);
  CHECK(flags_case<binary16, round::upward>(2) == 0);
  CHECK(flags_case<bfloat16, round::nearest_even>(3) == 0);
  CHECK(flags_case<bfloat16, round::stochastic<8>>(4) == 0);
  CHECK(flags_case<e4m3, round::nearest_even>(5) == 0);
  CHECK(flags_case<e5m2, round::downward>(6) == 0);
  CHECK(flags_case<cfloat<8, 23>, round::nearest_even>(7) == 0);
  // Flags that must appear.
  std::vector<binary16> one{binary16(1.0)}, zero{binary16(0.0)}, big{binary16(60000.0)}, out(1);
  CHECK(T::div<binary16>(one, zero, out).flags == status::division_by_zero);
  CHECK(T::div<binary16>(zero, zero, out).flags == status::invalid);
  CHECK(T::add<binary16>(big, big, out).has(status::overflow));
  CHECK(T::add<binary16>(one, one, out).exact());
  std::vector<binary16> third{binary16(3.0)};
  CHECK(T::div<binary16>(one, third, out).flags == status::inexact);
}
