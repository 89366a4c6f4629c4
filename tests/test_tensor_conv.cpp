// conv2d forward, backward data and backward weights against direct loops of scalar cfloat
// operations over the documented tap order (docs/tensor.md), bit for bit.
#include <catch2/catch.hpp>

#include "tensor_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;

namespace {

constexpr std::size_t npos = ~std::size_t{0};

// One reduction as the documented sum: acc = +0; per k: per-op or fused step, each in its
// _status form: flags collects the OR of every rounding's flags (inputs, steps, output).
template <class InA, class InB, class Prod, class Acc, class Kind>
struct stepper {
  T::counter_source src;
  mutable std::uint32_t flags = 0;
  template <class X>
  X st(const with_status<X>& r) const {
    flags |= r.flags.flags;
    return r.value;
  }
  template <class F>
  float sum(std::size_t K, std::uint64_t e, F&& factors) const {
    using MC = typename Acc::rounding_mode;
    using MP = typename Prod::rounding_mode;
    Acc acc = convert<Acc>(0.0, round::nearest_even{});
    for (std::size_t k = 0; k < K; ++k) {
      InA a;
      InB b;
      factors(k, a, b);
      if constexpr (std::is_same_v<Kind, T::per_operation>) {
        const Prod p = st(mul_status(convert<Prod>(a, round::nearest_even{}), convert<Prod>(b, round::nearest_even{}), MP{},
                                     fixed_word{src.word(e, static_cast<std::uint32_t>(2 * k + 1))}));
        acc = st(add_status(acc, convert<Acc>(p, round::nearest_even{}), MC{}, fixed_word{src.word(e, static_cast<std::uint32_t>(2 * k + 2))}));
      } else {
        acc = st(fma_status(convert<Acc>(a, round::nearest_even{}), convert<Acc>(b, round::nearest_even{}), acc, MC{},
                            fixed_word{src.word(e, static_cast<std::uint32_t>(2 * k + 2))}));
      }
    }
    return st(convert_status<float>(acc, round::nearest_even{}));
  }
  template <class In>
  In q(const std::vector<float>& v, std::size_t at, std::uint32_t op) const {
    if (at == npos) return convert<In>(0.0, round::nearest_even{});
    return st(convert_status<In>(v[at], typename In::rounding_mode{}, fixed_word{src.word(at, op)}));
  }
};

// Values and IEEE flags of the three passes against the stepper's loops; scenario >= 0: the
// inputs of tref::scenario_floats (else random_floats); seen: ORs each pass's flags in (some)
// and ANDs them (all).
template <class Recipe, class Mode>
std::size_t check(const T::conv2d_shape& s, std::uint64_t seed, int scenario = -1, std::uint32_t* some = nullptr,
                  std::uint32_t* all = nullptr) {
  using Plan = T::detail::gemm_plan<Recipe, float, Mode, T::counter_source>;
  using InA = typename Plan::InA;
  using InB = typename Plan::InB;
  const T::counter_source src{seed};
  const stepper<InA, InB, typename Plan::Prod, typename Plan::Acc, typename Plan::Kind> ref{src};
  const std::size_t OH = s.out_h(), OW = s.out_w(), G = s.groups, Cg = s.c / G, OCg = s.oc / G, KH = s.kh, KW = s.kw;
  auto gen = [&](std::size_t n, std::uint64_t sd) { return scenario >= 0 ? tref::scenario_floats(n, sd, scenario) : tref::random_floats(n, sd); };
  const auto x = gen(s.n * s.c * s.h * s.w, seed + 1);
  const auto w = gen(s.oc * Cg * KH * KW, seed + 2);
  const auto dy = gen(s.n * s.oc * OH * OW, seed + 3);
  auto flags_check = [&](const status& got) {
    if (some) *some |= got.flags;
    if (all) *all &= got.flags;
    const std::size_t b = got.flags != ref.flags;
    if (b) WARN("conv flags " << got.flags << " want " << ref.flags << " scenario " << scenario);
    ref.flags = 0;
    return b;
  };
  auto xat = [&](std::size_t n, std::size_t c, std::size_t p, std::size_t q, std::size_t r, std::size_t t) -> std::size_t {
    const long hh = static_cast<long>(p * s.stride_h + r * s.dil_h) - static_cast<long>(s.pad_h);
    const long ww = static_cast<long>(q * s.stride_w + t * s.dil_w) - static_cast<long>(s.pad_w);
    if (hh < 0 || ww < 0 || hh >= static_cast<long>(s.h) || ww >= static_cast<long>(s.w)) return npos;
    return ((n * s.c + c) * s.h + static_cast<std::size_t>(hh)) * s.w + static_cast<std::size_t>(ww);
  };
  std::size_t bad = 0;
  // forward
  std::vector<float> y(s.n * s.oc * OH * OW), yr(y.size());
  const status sf = T::conv2d_forward<Recipe>(s, x, w, y, Mode{}, src);
  REQUIRE_FALSE(sf.rejected());
  for (std::size_t n = 0; n < s.n; ++n)
    for (std::size_t o = 0; o < s.oc; ++o)
      for (std::size_t p = 0; p < OH; ++p)
        for (std::size_t q = 0; q < OW; ++q) {
          const std::size_t g = o / OCg, e = ((n * s.oc + o) * OH + p) * OW + q;
          yr[e] = ref.sum(Cg * KH * KW, e, [&](std::size_t k, InA& a, InB& b) {
            const std::size_t c = k / (KH * KW), r = (k / KW) % KH, t = k % KW;
            a = ref.template q<InA>(w, ((o * Cg + c) * KH + r) * KW + t, T::op_input_a);
            b = ref.template q<InB>(x, xat(n, g * Cg + c, p, q, r, t), T::op_input_b);
          });
        }
  for (std::size_t i = 0; i < y.size(); ++i) bad += !tref::same(y[i], yr[i]);
  bad += flags_check(sf);
  // backward data
  std::vector<float> dx(x.size()), dxr(x.size());
  const status sd = T::conv2d_backward_data<Recipe>(s, dy, w, dx, Mode{}, src);
  REQUIRE_FALSE(sd.rejected());
  for (std::size_t n = 0; n < s.n; ++n)
    for (std::size_t c = 0; c < s.c; ++c)
      for (std::size_t h = 0; h < s.h; ++h)
        for (std::size_t v = 0; v < s.w; ++v) {
          const std::size_t g = c / Cg, ci = c % Cg, e = ((n * s.c + c) * s.h + h) * s.w + v;
          dxr[e] = ref.sum(OCg * KH * KW, e, [&](std::size_t k, InA& a, InB& b) {
            const std::size_t o = k / (KH * KW), r = (k / KW) % KH, t = k % KW;
            a = ref.template q<InA>(w, (((g * OCg + o) * Cg + ci) * KH + r) * KW + t, T::op_input_a);
            const long ph = static_cast<long>(h + s.pad_h) - static_cast<long>(r * s.dil_h);
            const long pw = static_cast<long>(v + s.pad_w) - static_cast<long>(t * s.dil_w);
            std::size_t at = npos;
            if (ph >= 0 && pw >= 0 && ph % static_cast<long>(s.stride_h) == 0 && pw % static_cast<long>(s.stride_w) == 0) {
              const std::size_t p = static_cast<std::size_t>(ph) / s.stride_h, q = static_cast<std::size_t>(pw) / s.stride_w;
              if (p < OH && q < OW) at = ((n * s.oc + g * OCg + o) * OH + p) * OW + q;
            }
            b = ref.template q<InB>(dy, at, T::op_input_b);
          });
        }
  for (std::size_t i = 0; i < dx.size(); ++i) bad += !tref::same(dx[i], dxr[i]);
  bad += flags_check(sd);
  // backward weights
  std::vector<float> dw(w.size()), dwr(w.size());
  const status sw = T::conv2d_backward_weights<Recipe>(s, x, dy, dw, Mode{}, src);
  REQUIRE_FALSE(sw.rejected());
  for (std::size_t o = 0; o < s.oc; ++o)
    for (std::size_t c = 0; c < Cg; ++c)
      for (std::size_t r = 0; r < KH; ++r)
        for (std::size_t t = 0; t < KW; ++t) {
          const std::size_t g = o / OCg, e = ((o * Cg + c) * KH + r) * KW + t;
          dwr[e] = ref.sum(s.n * OH * OW, e, [&](std::size_t k, InA& a, InB& b) {
            const std::size_t n = k / (OH * OW), p = (k / OW) % OH, q = k % OW;
            a = ref.template q<InA>(dy, ((n * s.oc + o) * OH + p) * OW + q, T::op_input_a);
            b = ref.template q<InB>(x, xat(n, g * Cg + c, p, q, r, t), T::op_input_b);
          });
        }
  for (std::size_t i = 0; i < dw.size(); ++i) bad += !tref::same(dw[i], dwr[i]);
  bad += flags_check(sw);
  return bad;
}

std::vector<T::conv2d_shape> shapes(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  std::vector<T::conv2d_shape> v;
  for (int t = 0; t < count; ++t) {
    T::conv2d_shape s;
    s.groups = 1 + rng() % 3;
    s.n = 1 + rng() % 2;
    s.c = s.groups * (1 + rng() % 3);
    s.oc = s.groups * (1 + rng() % 3);
    s.kh = 1 + rng() % 3;
    s.kw = 1 + rng() % 3;
    s.stride_h = 1 + rng() % 2;
    s.stride_w = 1 + rng() % 3;
    s.dil_h = 1 + rng() % 2;
    s.dil_w = 1;
    s.pad_h = rng() % 3;
    s.pad_w = rng() % 2;
    s.h = s.dil_h * (s.kh - 1) + 1 + rng() % 9;
    s.w = s.dil_w * (s.kw - 1) + 1 + rng() % 70;
    v.push_back(s);
  }
  return v;
}

template <class Recipe>
void all_modes(int count, std::uint64_t seed) {
  // The shapes rotate over the flag scenarios (tref::scenario_floats) and 1, 2, 7 threads;
  // every flag occurs in some pass and is absent in another (over the five modes).
  std::uint32_t some = 0, all = ~0u;
  const int threads[] = {1, 2, 7};
  int t = 0;  // continues over the modes, so that every scenario occurs
  auto run = [&](auto mode) {
    std::size_t bad = 0;
    for (const auto& s : shapes(seed, count)) {
      T::set_threads(threads[t % 3]);
      bad += check<Recipe, decltype(mode)>(s, seed++, t++ % tref::flag_scenarios, &some, &all);
    }
    T::set_threads(0);
    CHECK(bad == 0);
  };
  run(round::nearest_even{});
  run(round::toward_zero{});
  run(round::upward{});
  run(round::odd{});
  run(round::stochastic<8>{});
  INFO("flags seen in some pass " << some << ", in every pass " << all);
  CHECK((some & status::inexact) != 0);
  CHECK((some & status::invalid) != 0);
  CHECK((all & (status::inexact | status::invalid | status::overflow | status::underflow)) == 0);
  if constexpr (T::detail::gemm_plan<Recipe, float>::FC::emax <= 15) CHECK((some & status::overflow) != 0);
}

}  // namespace

TEST_CASE("conv2d passes equal the documented loops: binary16 per operation", "[tensor][conv]") {
  all_modes<T::gemm_recipe<binary16, binary16, binary16>>(static_cast<int>(tref::scaled(8, 3)), 1000);
}
TEST_CASE("conv2d passes equal the documented loops: e4m3 fused into bfloat16", "[tensor][conv]") {
  all_modes<T::gemm_recipe<e4m3, binary16, bfloat16, T::fused>>(static_cast<int>(tref::scaled(6, 3)), 2000);
}
TEST_CASE("conv2d passes equal the documented loops: bfloat16 (exact scalar kernel)", "[tensor][conv]") {
  all_modes<T::gemm_recipe<bfloat16, bfloat16, binary32>>(static_cast<int>(tref::scaled(3, 2)), 3000);
}

TEST_CASE("conv2d rejects bad shapes before writing", "[tensor][conv]") {
  T::conv2d_shape s;
  s.n = 1, s.c = 4, s.h = 5, s.w = 5, s.oc = 6, s.kh = 3, s.kw = 3, s.groups = 4;  // 6 % 4 != 0
  std::vector<float> x(100, 1.0f), w(200, 1.0f), y(200, 7.0f);
  const status st = T::conv2d_forward<T::gemm_recipe<binary16, binary16, binary16>>(s, x, w, y);
  CHECK(st.has(status::bad_shape));
  CHECK(st.message != nullptr);
  for (float v : y) CHECK(v == 7.0f);
  s.groups = 1;
  const status st2 = T::conv2d_forward<T::gemm_recipe<binary16, binary16, binary16>>(s, x, w, y);  // sizes wrong
  CHECK(st2.has(status::bad_shape));
}
