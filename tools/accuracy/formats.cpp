// tools/accuracy/formats.cpp: the formats the tool can name, each compiled in once.
#include "formats.hpp"
#include "nvfp4.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <functional>

#include <floatlab/floatlab.hpp>
#include <floatlab/tensor/quantize.hpp>

namespace flacc {
namespace fl = floatlab;

std::string canonical(std::string_view name) {
  std::string s;
  for (char c : name)
    if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string mode_spec::name() const {
  switch (kind) {
    case mode_kind::nearest_even: return "nearest";
    case mode_kind::nearest_away: return "nearest_away";
    case mode_kind::toward_zero: return "toward_zero";
    case mode_kind::upward: return "upward";
    case mode_kind::downward: return "downward";
    case mode_kind::odd: return "odd";
    case mode_kind::stochastic: return "stochastic<" + std::to_string(bits) + ">";
  }
  return "?";
}

bool parse_mode(std::string_view text, mode_spec& out, std::string& error) {
  const std::string s = canonical(text);
  static const std::map<std::string, mode_kind> names = {
      {"nearest", mode_kind::nearest_even},      {"nearest_even", mode_kind::nearest_even},
      {"rne", mode_kind::nearest_even},          {"nearest_away", mode_kind::nearest_away},
      {"rna", mode_kind::nearest_away},          {"toward_zero", mode_kind::toward_zero},
      {"zero", mode_kind::toward_zero},          {"rz", mode_kind::toward_zero},
      {"truncate", mode_kind::toward_zero},      {"upward", mode_kind::upward},
      {"up", mode_kind::upward},                 {"ru", mode_kind::upward},
      {"downward", mode_kind::downward},         {"down", mode_kind::downward},
      {"rd", mode_kind::downward},               {"odd", mode_kind::odd},
      {"ro", mode_kind::odd}};
  if (auto it = names.find(s); it != names.end()) {
    out = {it->second, 0};
    return true;
  }
  std::string digits;
  if (s == "stochastic" || s == "sr") {
    digits = "16";
  } else if (s.rfind("stochastic<", 0) == 0 && s.back() == '>') {
    digits = s.substr(11, s.size() - 12);
  } else if (s.rfind("sr<", 0) == 0 && s.back() == '>') {
    digits = s.substr(3, s.size() - 4);
  } else if (s.rfind("sr", 0) == 0) {
    digits = s.substr(2);
  } else {
    error = "unknown rounding mode '" + std::string(text) +
            "' (nearest, nearest_away, toward_zero, upward, downward, odd, stochastic<R>)";
    return false;
  }
  char* end = nullptr;
  const long r = std::strtol(digits.c_str(), &end, 10);
  if (digits.empty() || *end != '\0' || r < 1 || r > 32) {
    error = "stochastic<R>: R (random bits) must be an integer in 1..32, got '" + digits + "'";
    return false;
  }
  out = {mode_kind::stochastic, static_cast<int>(r)};
  return true;
}

std::uint32_t scalar_format::philox_word_at(std::uint64_t seed, std::uint64_t i, std::uint32_t op) {
  return fl::philox_word(seed, i, op);
}

std::uint64_t stream_seed(std::uint64_t seed, std::uint32_t stream) {
  return (std::uint64_t{fl::philox_word(seed, stream, 0x5EED0001u)} << 32) | fl::philox_word(seed, stream, 0x5EED0002u);
}

double ulp_of(const format_info& f, double x) {
  if (f.fam == family::fixed) return f.min_normal;
  if (f.fam != family::cfloat || f.fraction_bits <= 0) return 0;
  double a = std::fabs(x);
  if (!(a < std::numeric_limits<double>::infinity())) return 0;
  if (a > f.max_finite) a = f.max_finite;
  int e = a > 0 ? std::ilogb(a) : f.emin;
  if (e < f.emin) e = f.emin;
  return std::ldexp(1.0, e - f.fraction_bits);
}

namespace {

// One Philox word per operation: element i, op 0 (add) or 1 (product).
inline std::uint32_t word_at(const mode_spec& m, std::uint64_t seed, std::uint64_t i, std::uint32_t op) {
  return m.stochastic() ? m.mask(fl::philox_word(seed, i, op)) : 0u;
}

// Calls f(ModeTag{}) for the run-time mode; stochastic<R> runs as stochastic<32> on masked words.
template <class F>
decltype(auto) with_mode(const mode_spec& m, F&& f) {
  switch (m.kind) {
    case mode_kind::nearest_away: return f(fl::round::nearest_away{});
    case mode_kind::toward_zero: return f(fl::round::toward_zero{});
    case mode_kind::upward: return f(fl::round::upward{});
    case mode_kind::downward: return f(fl::round::downward{});
    case mode_kind::odd: return f(fl::round::odd{});
    case mode_kind::stochastic: return f(fl::round::stochastic<32>{});
    default: return f(fl::round::nearest_even{});
  }
}

void put(scalar_format::terms& out, std::size_t c, double a, double b = 0, double d = 0, double e = 0) {
  out[4 * c] = a;
  out[4 * c + 1] = b;
  out[4 * c + 2] = d;
  out[4 * c + 3] = e;
}

// UseTensor: quantize_floats through floatlab::tensor::quantize (its SIMD lanes) for the modes
// training uses; false: the per-element loop for every mode (the same bits: tensor::quantize
// equals convert<T> element by element with the same words, proven by tests/test_tensor_*).
// The cfloat<E,M> grid takes the loop: 3 SIMD quantize instantiations per format were most of
// this file's compile time.
template <class T, bool UseTensor = true>
class cfloat_format final : public scalar_format {
 public:
  explicit cfloat_format(std::string name) {
    using lim = std::numeric_limits<T>;
    using F = typename T::format_type;
    info.name = std::move(name);
    info.fam = family::cfloat;
    info.precision = F::precision;
    info.fraction_bits = F::fraction_bits;
    info.emin = F::emin;
    info.max_finite = double(lim::max());
    info.min_normal = double(lim::min());
    info.min_positive = F::has_subnormals ? double(lim::denorm_min()) : double(lim::min());
    info.has_inf = F::has_inf;
    info.has_nan = F::has_nan;
    info.saturates = F::saturates;
  }
  template <class Mode>
  static T q(double x, std::uint32_t w) {
    if constexpr (fl::is_stochastic_v<Mode>) return fl::convert<T>(x, Mode{}, fl::fixed_word{w});
    else return fl::convert<T>(x, Mode{});
  }
  static T in(double x) { return fl::convert<T>(x, fl::round::nearest_even{}); }
  template <class Mode>
  static T addm(T a, T b, std::uint32_t w) {
    if constexpr (fl::is_stochastic_v<Mode>) return fl::add(a, b, Mode{}, fl::fixed_word{w});
    else return fl::add(a, b, Mode{});
  }
  template <class Mode>
  static T mulm(T a, T b, std::uint32_t w) {
    if constexpr (fl::is_stochastic_v<Mode>) return fl::mul(a, b, Mode{}, fl::fixed_word{w});
    else return fl::mul(a, b, Mode{});
  }
  double quantize(double x, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) { return double(q<decltype(md)>(x, m.mask(w))); });
  }
  double add(double a, double b, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) { return double(addm<decltype(md)>(in(a), in(b), m.mask(w))); });
  }
  double mul(double a, double b, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) { return double(mulm<decltype(md)>(in(a), in(b), m.mask(w))); });
  }
  double fma(double a, double b, double c, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) {
      using Mode = decltype(md);
      if constexpr (fl::is_stochastic_v<Mode>) return double(fl::fma(in(a), in(b), in(c), Mode{}, fl::fixed_word{m.mask(w)}));
      else return double(fl::fma(in(a), in(b), in(c), Mode{}));
    });
  }
  // Through floatlab::tensor::quantize (counter_source{stream_seed(seed, stream)}: element i
  // draws philox_word(stream_seed, i, 0)) for nearest even and stochastic<16>/<32>, the modes
  // training uses; the other modes run the same rounding per element with the same words.
  bool quantize_floats(float* x, std::size_t n, const mode_spec& m, std::uint64_t seed,
                       std::uint32_t stream) const override {
    const floatlab::tensor::counter_source src{stream_seed(seed, stream)};
    const fl::array_view<float> v{x, n};
    auto finite_all = [&] {
      bool ok = true;
      for (std::size_t i = 0; i < n; ++i) ok &= std::isfinite(x[i]);
      return ok;
    };
    if constexpr (UseTensor) {
      if (m.kind == mode_kind::nearest_even) {
        floatlab::tensor::quantize<T>(v, v, fl::round::nearest_even{});
        return finite_all();
      }
      if (m.kind == mode_kind::stochastic && m.bits == 16) {
        floatlab::tensor::quantize<T>(v, v, fl::round::stochastic<16>{}, src);
        return finite_all();
      }
      if (m.kind == mode_kind::stochastic && m.bits == 32) {
        floatlab::tensor::quantize<T>(v, v, fl::round::stochastic<32>{}, src);
        return finite_all();
      }
    }
    return with_mode(m, [&](auto md) {
      using Mode = decltype(md);
      bool finite = true;
      for (std::size_t i = 0; i < n; ++i) {
        const T r = [&] {
          if constexpr (fl::is_stochastic_v<Mode>)
            return fl::convert<T>(x[i], Mode{}, fl::fixed_word{m.mask(src.word(i, floatlab::tensor::quantize_operation))});
          else
            return fl::convert<T>(x[i], Mode{});
        }();
        x[i] = static_cast<float>(double(r));
        finite &= fl::isfinite(r);
      }
      return finite;
    });
  }
  void sum(const double* x, std::size_t n, const mode_spec& m, std::uint64_t seed, const std::vector<std::size_t>& cuts,
           terms& out) const override {
    out.assign(4 * cuts.size(), 0.0);
    with_mode(m, [&](auto md) {
      using Mode = decltype(md);
      T s = in(0.0);
      std::size_t c = 0;
      for (std::size_t i = 0; i < n && c < cuts.size(); ++i) {
        s = addm<Mode>(s, in(x[i]), word_at(m, seed, i, 0));
        while (c < cuts.size() && cuts[c] == i + 1) put(out, c++, double(s));
      }
      return 0;
    });
  }
  void dot(const double* x, const double* y, std::size_t n, const mode_spec& m, std::uint64_t seed,
           const std::vector<std::size_t>& cuts, terms& out) const override {
    out.assign(4 * cuts.size(), 0.0);
    with_mode(m, [&](auto md) {
      using Mode = decltype(md);
      T s = in(0.0);
      std::size_t c = 0;
      for (std::size_t i = 0; i < n && c < cuts.size(); ++i) {
        const T p = mulm<Mode>(in(x[i]), in(y[i]), word_at(m, seed, i, 1));
        s = addm<Mode>(s, p, word_at(m, seed, i, 0));
        while (c < cuts.size() && cuts[c] == i + 1) put(out, c++, double(s));
      }
      return 0;
    });
  }
};

template <int WL, int FL>
class fixed_format final : public scalar_format {
  using T = fl::fixed<WL, FL>;

 public:
  explicit fixed_format(std::string name) {
    info.name = std::move(name);
    info.fam = family::fixed;
    info.precision = WL;
    info.max_finite = double(T::max());
    info.min_normal = info.min_positive = double(T::epsilon());
    info.saturates = true;
  }
  template <class Mode>
  static T q(double x, std::uint32_t w) { return fl::fixed_cast<T>(x, Mode{}, fl::fixed_word{w}); }
  static T in(double x) { return fl::fixed_cast<T>(x, fl::round::nearest_even{}, fl::no_random{}); }
  double quantize(double x, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) { return double(q<decltype(md)>(x, m.mask(w))); });
  }
  double add(double a, double b, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) { return double(fl::add(in(a), in(b), md, fl::fixed_word{m.mask(w)})); });
  }
  double mul(double a, double b, const mode_spec& m, std::uint32_t w) const override {
    return with_mode(m, [&](auto md) { return double(fl::mul(in(a), in(b), md, fl::fixed_word{m.mask(w)})); });
  }
  // Fixed point has no fused operation: the product is rounded, then the (exact, or
  // saturating) addition.
  double fma(double a, double b, double c, const mode_spec& m, std::uint32_t w) const override {
    return add(mul(a, b, m, w), c, m, w);
  }
  void sum(const double* x, std::size_t n, const mode_spec& m, std::uint64_t seed, const std::vector<std::size_t>& cuts,
           terms& out) const override {
    out.assign(4 * cuts.size(), 0.0);
    with_mode(m, [&](auto md) {
      T s = in(0.0);
      std::size_t c = 0;
      for (std::size_t i = 0; i < n && c < cuts.size(); ++i) {
        s = fl::add(s, in(x[i]), md, fl::fixed_word{word_at(m, seed, i, 0)});
        while (c < cuts.size() && cuts[c] == i + 1) put(out, c++, double(s));
      }
      return 0;
    });
  }
  void dot(const double* x, const double* y, std::size_t n, const mode_spec& m, std::uint64_t seed,
           const std::vector<std::size_t>& cuts, terms& out) const override {
    out.assign(4 * cuts.size(), 0.0);
    with_mode(m, [&](auto md) {
      T s = in(0.0);
      std::size_t c = 0;
      for (std::size_t i = 0; i < n && c < cuts.size(); ++i) {
        const T p = fl::mul(in(x[i]), in(y[i]), md, fl::fixed_word{word_at(m, seed, i, 1)});
        s = fl::add(s, p, md, fl::fixed_word{word_at(m, seed, i, 0)});
        while (c < cuts.size() && cuts[c] == i + 1) put(out, c++, double(s));
      }
      return 0;
    });
  }
};

// Expansions round to nearest by construction (error-free transforms); only that mode.
template <int N, class B>
class expansion_format final : public scalar_format {
  using T = fl::expansion<N, B>;

 public:
  explicit expansion_format(std::string name) {
    info.name = std::move(name);
    info.fam = family::expansion;
    info.precision = N * std::numeric_limits<B>::digits;
    info.max_finite = double(std::numeric_limits<B>::max());
    info.min_normal = double(std::numeric_limits<B>::min());
    info.min_positive = double(std::numeric_limits<B>::denorm_min());
    info.has_inf = info.has_nan = true;
  }
  bool supports(const mode_spec& m) const override { return m.kind == mode_kind::nearest_even; }
  static T in(double x) { return T(static_cast<B>(x)); }
  static void emit(terms& out, std::size_t c, const T& s) {
    double t[4] = {0, 0, 0, 0};
    for (int i = 0; i < N && i < 4; ++i) t[i] = double(s[i]);
    put(out, c, t[0], t[1], t[2], t[3]);
  }
  double quantize(double x, const mode_spec&, std::uint32_t) const override { return double(static_cast<B>(x)); }
  double add(double a, double b, const mode_spec&, std::uint32_t) const override { return (in(a) + in(b)).template to<double>(); }
  double mul(double a, double b, const mode_spec&, std::uint32_t) const override { return (in(a) * in(b)).template to<double>(); }
  double fma(double a, double b, double c, const mode_spec&, std::uint32_t) const override {
    return (in(a) * in(b) + in(c)).template to<double>();
  }
  void sum(const double* x, std::size_t n, const mode_spec&, std::uint64_t, const std::vector<std::size_t>& cuts,
           terms& out) const override {
    out.assign(4 * cuts.size(), 0.0);
    T s{};
    std::size_t c = 0;
    for (std::size_t i = 0; i < n && c < cuts.size(); ++i) {
      s = s + in(x[i]);
      while (c < cuts.size() && cuts[c] == i + 1) emit(out, c++, s);
    }
  }
  void dot(const double* x, const double* y, std::size_t n, const mode_spec&, std::uint64_t,
           const std::vector<std::size_t>& cuts, terms& out) const override {
    out.assign(4 * cuts.size(), 0.0);
    T s{};
    std::size_t c = 0;
    for (std::size_t i = 0; i < n && c < cuts.size(); ++i) {
      s = s + in(x[i]) * in(y[i]);
      while (c < cuts.size() && cuts[c] == i + 1) emit(out, c++, s);
    }
  }
};

// The words of one (seed, stream), masked for stochastic<R> as above.
struct masked_rng {
  fl::philox_rng rng;
  std::uint32_t bits;
  std::uint32_t operator()() {
    const std::uint32_t w = rng();
    return (bits == 0 || bits >= 32) ? w : (w & ~((std::uint32_t{1} << (32 - bits)) - 1u));
  }
};

class bfp_format final : public block_format {
 public:
  bfp_format(std::string name, int wl, std::size_t block) : wl_(wl) {
    info.name = std::move(name);
    info.fam = family::block;
    info.precision = wl;
    info.max_finite = std::ldexp(1.0, wl - 1) - 1;
    info.block = block;
  }
  bool quantize(float* x, std::size_t n, const mode_spec& m, std::uint64_t seed, std::uint64_t stream) const override {
    const fl::block_shape shape = info.block ? fl::block_shape::consecutive(info.block) : fl::block_shape::whole();
    if (wl_ <= 8) return run<std::int8_t>(x, n, shape, m, seed, stream);
    if (wl_ <= 16) return run<std::int16_t>(x, n, shape, m, seed, stream);
    return run<std::int32_t>(x, n, shape, m, seed, stream);
  }

 private:
  template <class Int>
  bool run(float* x, std::size_t n, fl::block_shape shape, const mode_spec& m, std::uint64_t seed,
           std::uint64_t stream) const {
    thread_local std::vector<Int> codes;
    thread_local std::vector<int> exps_;
    codes.resize(n);
    exps_.resize(shape.count(n) > 0 ? shape.count(n) : 1);
    const fl::array_view<const float> src(x, n);
    fl::status st = with_mode(m, [&](auto md) {
      return fl::block_quantize<Int>(src, fl::array_view<Int>(codes.data(), n), fl::array_view<int>(exps_.data(), exps_.size()),
                                     shape, wl_, md, masked_rng{fl::philox_rng(seed, stream), static_cast<std::uint32_t>(m.bits)});
    });
    fl::block_dequantize<Int>(fl::array_view<const Int>(codes.data(), n), fl::array_view<const int>(exps_.data(), exps_.size()),
                              shape, fl::array_view<float>(x, n));
    return st.ok();
  }
  int wl_;
};

template <class Fmt>
class mx_format final : public block_format {
 public:
  mx_format(std::string name, int precision, double max_elem) {
    info.name = std::move(name);
    info.fam = family::mx;
    info.precision = precision;
    info.max_finite = max_elem;
    info.block = fl::mx::block_size;
  }
  bool quantize(float* x, std::size_t n, const mode_spec& m, std::uint64_t seed, std::uint64_t stream) const override {
    thread_local std::vector<std::uint8_t> el, sc;
    el.resize(n);
    sc.resize((n + fl::mx::block_size - 1) / fl::mx::block_size);
    const fl::array_view<const float> src(x, n);
    fl::status st = with_mode(m, [&](auto md) {
      return fl::mx::quantize<Fmt>(src, fl::array_view<std::uint8_t>(el.data(), n), fl::array_view<std::uint8_t>(sc.data(), sc.size()),
                                   md, masked_rng{fl::philox_rng(seed, stream), static_cast<std::uint32_t>(m.bits)});
    });
    fl::mx::dequantize<Fmt>(fl::array_view<const std::uint8_t>(el.data(), n), fl::array_view<const std::uint8_t>(sc.data(), sc.size()),
                            fl::array_view<float>(x, n));
    return st.ok();
  }
};

using maker = std::function<any_format(const std::string&)>;

template <class T, bool UseTensor = true>
any_format make_cfloat(const std::string& n) {
  any_format f;
  f.scalar = std::make_unique<cfloat_format<T, UseTensor>>(n);
  return f;
}

// cfloat<E, M> (ieee encoding) for E in 4, 5, 6, 8 and M in 2..10: each format costs about
// a second of compile time, so the grid is what low-precision studies use; add lines for more.
template <int E, int... Ms>
void add_grid(std::map<std::string, maker>& t, std::integer_sequence<int, Ms...>) {
  ((t["cfloat<" + std::to_string(E) + "," + std::to_string(Ms) + ">"] = make_cfloat<fl::cfloat<E, Ms>, false>), ...);
}

template <int WL, int... FLs>
void add_fixed(std::map<std::string, maker>& t, std::integer_sequence<int, FLs...>) {
  ((t["fixed<" + std::to_string(WL) + "," + std::to_string(FLs) + ">"] =
        [](const std::string& n) {
          any_format f;
          f.scalar = std::make_unique<fixed_format<WL, FLs>>(n);
          return f;
        }),
   ...);
}

const std::map<std::string, maker>& table() {
  static const std::map<std::string, maker> t = [] {
    std::map<std::string, maker> t;
    auto alias = [&](std::initializer_list<const char*> names, maker m) {
      for (const char* n : names) t[n] = m;
    };
    // The grid first: the aliases below (cfloat<5,10>, <8,7>, <8,10>) then take the tensor path.
    add_grid<4>(t, std::integer_sequence<int, 2, 3, 4, 5, 6, 7, 8, 9, 10>{});
    add_grid<5>(t, std::integer_sequence<int, 2, 3, 4, 5, 6, 7, 8, 9, 10>{});
    add_grid<6>(t, std::integer_sequence<int, 2, 3, 4, 5, 6, 7, 8, 9, 10>{});
    add_grid<8>(t, std::integer_sequence<int, 2, 3, 4, 5, 6, 7, 8, 9, 10>{});
    alias({"binary16", "fp16", "half", "cfloat<5,10>"}, make_cfloat<fl::binary16>);
    alias({"bfloat16", "bf16", "cfloat<8,7>"}, make_cfloat<fl::bfloat16>);
    alias({"tf32", "cfloat<8,10>"}, make_cfloat<fl::tf32>);
    alias({"binary32", "fp32", "float", "cfloat<8,23>"}, make_cfloat<fl::binary32>);
    alias({"binary64", "fp64", "double", "cfloat<11,52>"}, make_cfloat<fl::binary64>);
    alias({"e4m3", "fp8_e4m3", "cfloat<4,3,fn>"}, make_cfloat<fl::e4m3>);
    alias({"e4m3_satfinite", "cfloat<4,3,fn_satfinite>", "cfloat<4,3,satfinite>"},
          make_cfloat<fl::cfloat<4, 3, fl::round::nearest_even, fl::encoding::fn_satfinite>>);
    alias({"e5m2", "fp8_e5m2"}, make_cfloat<fl::e5m2>);
    alias({"e4m3fnuz", "cfloat<4,3,fnuz>"}, make_cfloat<fl::e4m3fnuz>);
    alias({"e5m2fnuz", "cfloat<5,2,fnuz>"}, make_cfloat<fl::e5m2fnuz>);
    alias({"e3m2", "cfloat<3,2,finite>"}, make_cfloat<fl::e3m2>);
    alias({"e2m3", "cfloat<2,3,finite>"}, make_cfloat<fl::e2m3>);
    alias({"e2m1", "cfloat<2,1,finite>"}, make_cfloat<fl::e2m1>);
    alias({"binary16_ftz", "cfloat<5,10,ftz>"}, make_cfloat<fl::cfloat<5, 10, fl::round::nearest_even, fl::encoding::ieee_ftz>>);
    alias({"bfloat16_ftz", "cfloat<8,7,ftz>"}, make_cfloat<fl::cfloat<8, 7, fl::round::nearest_even, fl::encoding::ieee_ftz>>);
    add_fixed<8>(t, std::integer_sequence<int, 0, 4, 6, 7>{});
    add_fixed<16>(t, std::integer_sequence<int, 0, 8, 12, 14, 15>{});
    add_fixed<32>(t, std::integer_sequence<int, 16, 24, 30>{});
    t["expansion<2,double>"] = [](const std::string& nm) {
      any_format f;
      f.scalar = std::make_unique<expansion_format<2, double>>(nm);
      return f;
    };
    t["expansion<3,double>"] = [](const std::string& nm) {
      any_format f;
      f.scalar = std::make_unique<expansion_format<3, double>>(nm);
      return f;
    };
    t["expansion<2,float>"] = [](const std::string& nm) {
      any_format f;
      f.scalar = std::make_unique<expansion_format<2, float>>(nm);
      return f;
    };
    return t;
  }();
  return t;
}

}  // namespace

std::string format_names_help() {
  return "binary16|fp16, bfloat16|bf16, tf32, binary32|fp32, binary64|fp64, e4m3 (OCP, max 448, no inf), "
         "e4m3_satfinite, e5m2, e4m3fnuz, e5m2fnuz, e3m2, e2m3, e2m1, binary16_ftz, bfloat16_ftz, "
         "cfloat<E,M> (E 4|5|6|8, M 2..10, IEEE encoding; other E/M: add one line to formats.cpp), "
         "fixed<WL,FL> (WL 8: FL 0|4|6|7; WL 16: FL 0|8|12|14|15; WL 32: FL 16|24|30), bfp<WL> (block fixed point, one scale per "
         "tensor, WL 2..32), bfp<WL>/<B> (one scale per B consecutive values), mxfp8_e4m3, mxfp8_e5m2, "
         "mxfp6_e3m2, mxfp6_e2m3, mxfp4 (mxfp4_e2m1), mxint8, nvfp4 (E2M1, E4M3 scale per 16, FP32 tensor scale), expansion<2,double>, expansion<3,double>, "
         "expansion<2,float>";
}

any_format make_format(std::string_view name, std::string& error) {
  const std::string s = canonical(name);
  const auto& t = table();
  if (auto it = t.find(s); it != t.end()) return it->second(std::string(name));
  // Block fixed point: bfp<WL> or bfp<WL>/<B>, also bfp8, bfp8/32.
  if (s.rfind("bfp", 0) == 0) {
    std::string rest = s.substr(3);
    std::size_t block = 0;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      std::string b = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
      if (!b.empty() && b.front() == '<' && b.back() == '>') b = b.substr(1, b.size() - 2);
      char* end = nullptr;
      const long v = std::strtol(b.c_str(), &end, 10);
      if (b.empty() || *end || v < 1) {
        error = "bfp<WL>/<B>: block length B must be a positive integer";
        return {};
      }
      block = static_cast<std::size_t>(v);
    }
    if (!rest.empty() && rest.front() == '<' && rest.back() == '>') rest = rest.substr(1, rest.size() - 2);
    char* end = nullptr;
    const long wl = std::strtol(rest.c_str(), &end, 10);
    if (rest.empty() || *end || wl < 2 || wl > 32) {
      error = "bfp<WL>: word length WL must be an integer in 2..32, got '" + std::string(name) + "'";
      return {};
    }
    any_format f;
    f.block = std::make_unique<bfp_format>(std::string(name), static_cast<int>(wl), block);
    return f;
  }
  auto mx = [&](auto fmt, int p, double mx_max) {
    any_format f;
    f.block = std::make_unique<mx_format<decltype(fmt)>>(std::string(name), p, mx_max);
    return f;
  };
  if (s == "mxfp8_e4m3" || s == "mxfp8") return mx(fl::mx::mxfp8_e4m3{}, 4, 448);
  if (s == "mxfp8_e5m2") return mx(fl::mx::mxfp8_e5m2{}, 3, 57344);
  if (s == "mxfp6_e3m2") return mx(fl::mx::mxfp6_e3m2{}, 3, 28);
  if (s == "mxfp6_e2m3") return mx(fl::mx::mxfp6_e2m3{}, 4, 7.5);
  if (s == "mxfp4" || s == "mxfp4_e2m1") return mx(fl::mx::mxfp4_e2m1{}, 2, 6);
  if (s == "mxint8") return mx(fl::mx::mxint8{}, 8, 1.984375);
  if (s == "nvfp4") {
    any_format f;
    f.block = std::make_unique<nvfp4_format>(std::string(name));
    return f;
  }
  if (s.rfind("cfloat<", 0) == 0)
    error = "format '" + std::string(name) +
            "' is not compiled in: cfloat<E,M> is available for E 4, 5, 6, 8 and M 2..10 and for the aliases' E/M "
            "(add a line to tools/accuracy/formats.cpp for others)";
  else if (s.rfind("fixed<", 0) == 0)
    error = "format '" + std::string(name) + "' is not compiled in (fixed<WL,FL>: see --help for the list)";
  else
    error = "unknown format '" + std::string(name) + "'; known: " + format_names_help();
  return {};
}

}  // namespace flacc
