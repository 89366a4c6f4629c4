// tools/accuracy/formats.hpp: formats and rounding modes chosen at run time, by name.
//
// floatlab's types are templates; the tool picks them from the command line. Each format
// is compiled in once (formats.cpp) behind one small virtual interface whose values are
// doubles (every value of a cfloat with E <= 11, M <= 52 and of fixed<WL <= 53> is a
// double). Every operation goes through floatlab's own functions (convert, add, mul, fma,
// fixed_cast, block_quantize, mx::quantize); nothing here rounds by itself.
//
// Stochastic rounding with a run-time number of random bits R uses floatlab's
// stochastic<32> with the low 32 - R bits of the word cleared: with fR the first R bits of
// the discarded fraction f32 and rR the top R bits of the word, f32 + (rR << (32 - R)) >= 2^32
// exactly when fR + rR >= 2^R (the low 32 - R bits of f32 cannot carry). So the decision,
// and the result, is that of stochastic<R>; tests/test_accuracy_formats.cpp checks this bit
// for bit against floatlab's stochastic<R> on every operand pair of small formats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flacc {

enum class mode_kind { nearest_even, nearest_away, toward_zero, upward, downward, odd, stochastic };

struct mode_spec {
  mode_kind kind = mode_kind::nearest_even;
  int bits = 0;  // stochastic: random bits R in 1..32
  std::string name() const;
  bool stochastic() const { return kind == mode_kind::stochastic; }
  // The word stochastic<32> must see to decide as stochastic<bits> does.
  std::uint32_t mask(std::uint32_t w) const {
    // deterministic modes (bits 0) ignore the word; stochastic<32> uses all of it
    return (bits <= 0 || bits >= 32) ? w : (w & ~((std::uint32_t{1} << (32 - bits)) - 1u));
  }
};

// "nearest" | "nearest_even" | "rne", "nearest_away" | "rna", "toward_zero" | "zero" | "rz",
// "upward" | "up" | "ru", "downward" | "down" | "rd", "odd" | "ro",
// "stochastic<R>" | "sr<R>" | "srR" | "stochastic" (R = 16). Returns false with a message.
bool parse_mode(std::string_view text, mode_spec& out, std::string& error);

// The seed of one quantized tensor (a counter_source seed): two Philox words of (seed, stream).
std::uint64_t stream_seed(std::uint64_t seed, std::uint32_t stream);

enum class family { cfloat, fixed, block, mx, expansion };

struct format_info {
  std::string name;
  family fam = family::cfloat;
  int precision = 0;         // significand bits p (cfloat), WL (fixed, block), element p (mx)
  double max_finite = 0;     // cfloat / fixed: largest finite value; block / mx: per-element code range
  double min_normal = 0;     // cfloat: smallest normal; fixed: one unit
  double min_positive = 0;   // smallest positive value (subnormal where there are any)
  bool has_inf = false, has_nan = false, saturates = false;
  int emin = 0, fraction_bits = 0;  // cfloat: for ulp()
  std::size_t block = 0;     // block fixed point: block length (0 = whole tensor); mx: 32
};

// Distance between consecutive numbers of a cfloat or fixed format near |x| (the quantum at
// x's binade, the subnormal quantum below the normal range); 0 where undefined (block, mx).
double ulp_of(const format_info& f, double x);

// A scalar format: cfloat, fixed or expansion (values of expansions are sums of terms).
class scalar_format {
 public:
  virtual ~scalar_format() = default;
  format_info info;
  virtual bool supports(const mode_spec& m) const { (void)m; return true; }
  // Round x (a double) to the format.
  virtual double quantize(double x, const mode_spec& m, std::uint32_t word) const = 0;
  // a, b: values of the format (as quantize returns them). One rounding each.
  virtual double add(double a, double b, const mode_spec& m, std::uint32_t word) const = 0;
  virtual double mul(double a, double b, const mode_spec& m, std::uint32_t word) const = 0;
  virtual double fma(double a, double b, double c, const mode_spec& m, std::uint32_t word) const = 0;
  // Round n floats in place (the values stay floats: formats of at most binary32's range and
  // precision are exact there, wider ones are rounded back to float to nearest). Element i
  // draws philox_word(stream_seed(seed, stream), i, 0): the word of floatlab::tensor::quantize
  // with counter_source{stream_seed(seed, stream)}, which cfloats use. Returns false if a
  // result is NaN or infinite.
  virtual bool quantize_floats(float* x, std::size_t n, const mode_spec& m, std::uint64_t seed,
                               std::uint32_t stream) const {
    bool finite = true;
    const std::uint64_t s = stream_seed(seed, stream);
    for (std::size_t i = 0; i < n; ++i) {
      const double q = quantize(x[i], m, m.stochastic() ? philox_word_at(s, i, 0) : 0u);
      x[i] = static_cast<float>(q);
      finite &= q - q == 0;
    }
    return finite;
  }
  static std::uint32_t philox_word_at(std::uint64_t seed, std::uint64_t i, std::uint32_t op);
  // Recursive sum s_i = s_{i-1} + q(x_i) (and dot: s_i = s_{i-1} + q(x_i) * q(y_i), each
  // product rounded), inputs rounded to nearest even, arithmetic in m with one Philox word
  // per operation: words philox_word(seed, i, 0) for the add, (seed, i, 1) for the product.
  // out[c] (up to 4 terms whose exact sum is the value) at each prefix length cuts[c].
  // Returns false if a NaN or inf was reached (the values then carry it).
  using terms = std::vector<double>;  // 4 per cut
  virtual void sum(const double* x, std::size_t n, const mode_spec& m, std::uint64_t seed,
                   const std::vector<std::size_t>& cuts, terms& out) const = 0;
  virtual void dot(const double* x, const double* y, std::size_t n, const mode_spec& m, std::uint64_t seed,
                   const std::vector<std::size_t>& cuts, terms& out) const = 0;
};

// Block formats over float arrays: block fixed point (bfp<WL>[/B]) and MX.
class block_format {
 public:
  virtual ~block_format() = default;
  format_info info;
  // Quantize n floats in place (dequantized values), one scale per block of info.block
  // consecutive elements (0: the whole array). Returns false if a block held NaN/inf.
  virtual bool quantize(float* x, std::size_t n, const mode_spec& m, std::uint64_t seed, std::uint64_t stream) const = 0;
};

struct any_format {
  std::unique_ptr<scalar_format> scalar;
  std::unique_ptr<block_format> block;
  const format_info& info() const { return scalar ? scalar->info : block->info; }
  explicit operator bool() const { return scalar || block; }
};

// Names: binary16 | fp16 | half, bfloat16 | bf16, tf32, binary32 | fp32 | float, binary64 |
// fp64 | double, e4m3, e5m2, e4m3fnuz, e5m2fnuz, e3m2, e2m3, e2m1, cfloat<E,M> (E 4,5,6,8,
// M 2..10, and the E/M of every alias; encoding ieee), some cfloat<E,M,encoding>,
// fixed<WL,FL> (a few; see --help), bfp<WL> and bfp<WL>/<B> (block fixed
// point, WL 2..32; one scale per tensor or per B elements), mxfp8_e4m3, mxfp8_e5m2,
// mxfp6_e3m2, mxfp6_e2m3, mxfp4 (= mxfp4_e2m1), mxint8, expansion<2,double>,
// expansion<3,double>, expansion<2,float>. Returns an empty any_format with a message.
any_format make_format(std::string_view name, std::string& error);
std::string format_names_help();
std::string canonical(std::string_view name);  // lower case, spaces removed

}  // namespace flacc
