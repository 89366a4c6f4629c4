// bench_peers: floatlab's scalar cfloat arithmetic side by side with other emulators and the
// compiler's own types (issue 12's table). One process, the same 2^20 operands for every
// library (values of the format, converted exactly into each peer), one loop
// `c[i] = a[i] op b[i]` per type and op, median of 5 passes per run (thread CPU time); the whole table is run
// `runs` times (default 3) and each cell reports the median run, with ratios to _Float16 and
// to FloatX from the same run.
//
// Peers (bench/CMakeLists.txt): g++ _Float16 and Boost cpp_bin_float always; FloatX
// (-DFLOATLAB_PEER_FLOATX=<dir with floatx.hpp>), Universal (-DFLOATLAB_PEER_UNIVERSAL=<its
// include/sw dir>) and ac_std_float (-DFLOATLAB_PEER_AC_TYPES=<dir with ac_std_float.h>) when
// given; absent peers are skipped with a message.
//
// Boost 1.74 converts every double to 0 for cpp_bin_float<11, digit_base_2, void, int16_t,
// -14, 15> (and others with a narrow exponent range; integers too), so the Boost peer uses the
// default exponent range (boost_float below), and operands are built by hand all the same:
// the integer significand, then ldexp; a sample is checked by converting back.
//   bench_peers [runs] [modes]
// ("modes": floatlab's rows only, nearest and the other rounding modes, for the mode ratios.)
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <floatlab/cfloat.hpp>

#include <boost/multiprecision/cpp_bin_float.hpp>
#if FLOATLAB_HAVE_FLOATX
#include <floatx.hpp>
#endif
#if FLOATLAB_HAVE_UNIVERSAL
#include <universal/number/cfloat/cfloat.hpp>
#endif
#if FLOATLAB_HAVE_AC_TYPES
#include <ac_std_float.h>
#endif

namespace fl = floatlab;

namespace {

constexpr std::size_t kN = 1 << 20;
enum op { op_add, op_mul, op_div, op_fma, op_sqrt };
const char* op_names[] = {"add", "mul", "div", "fma", "sqrt"};

template <class T>
inline void keep(T* p) {
  asm volatile("" : : "r"(p) : "memory");
}

// Million ops/s of one loop: median of 5 passes.
template <class T, class F>
double time_loop(std::vector<T>& out, F&& body) {
  // Thread CPU time: the machine is shared, and wall time counts the other processes' turns.
  auto now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  std::vector<double> t;
  for (int pass = 0; pass < 5; ++pass) {
    const double t0 = now();
    body();
    keep(out.data());
    t.push_back(now() - t0);
  }
  std::sort(t.begin(), t.end());
  return kN / t[2] / 1e6;
}

// A peer type T built from the operands (doubles holding values of the format): conv(double) -> T.
template <class T, class Conv, class Add, class Mul, class Div, class Fma, class Sqrt>
std::map<int, double> run_peer(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc,
                               Conv conv, Add add, Mul mul, Div div, Fma fma, Sqrt sq) {
  std::vector<T> a(kN), b(kN), c(kN), out(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    a[i] = conv(da[i]);
    b[i] = conv(db[i]);
    c[i] = conv(dc[i]);
  }
  std::map<int, double> r;
  try {
    r[op_add] = time_loop(out, [&] { for (std::size_t i = 0; i < kN; ++i) out[i] = add(a[i], b[i]); });
    r[op_mul] = time_loop(out, [&] { for (std::size_t i = 0; i < kN; ++i) out[i] = mul(a[i], b[i]); });
    r[op_div] = time_loop(out, [&] { for (std::size_t i = 0; i < kN; ++i) out[i] = div(a[i], b[i]); });
    r[op_fma] = time_loop(out, [&] { for (std::size_t i = 0; i < kN; ++i) out[i] = fma(a[i], b[i], c[i]); });
    r[op_sqrt] = time_loop(out, [&] { for (std::size_t i = 0; i < kN; ++i) out[i] = sq(a[i]); });
  } catch (const std::exception& e) {
    std::printf("  (peer threw: %s)\n", e.what());
  }
  return r;
}

template <class T>
std::map<int, double> run_floatlab(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  return run_peer<T>(
      da, db, dc, [](double x) { return T{x}; }, [](T x, T y) { return x + y; }, [](T x, T y) { return x * y; },
      [](T x, T y) { return x / y; }, [](T x, T y, T z) { return fl::fma(x, y, z); }, [](T x) { return fl::sqrt(x); });
}

// The format's precision with Boost's default exponent range: in Boost 1.74 the types with the
// format's own narrow range are broken beyond conversions (B(3).str() throws "No bits were set
// in the operand"), so the range is left wide; these operands and results stay in range, so the
// values computed are the format's. Emin/Emax document the format's range only.
template <int P, int Emin, int Emax>
using boost_float = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<P, boost::multiprecision::digit_base_2>,
                                                  boost::multiprecision::et_off>;

// Exact conversion by hand (see the top of the file).
template <class B, int P>
B boost_exact(double v) {
  int e = 0;
  const double fr = std::frexp(v, &e);
  const auto m = static_cast<long long>(std::ldexp(fr, P));  // exact: v has at most P bits
  B r = boost::multiprecision::ldexp(B(m), e - P);
  return r;
}

template <int P, int Emin, int Emax>
std::map<int, double> run_boost(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  using B = boost_float<P, Emin, Emax>;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < kN; i += 997)
    if (boost_exact<B, P>(da[i]).template convert_to<double>() != da[i]) ++bad;
  if (bad) std::printf("  (boost: %zu sampled operands did not convert exactly)\n", bad);
  return run_peer<B>(
      da, db, dc, [](double x) { return boost_exact<B, P>(x); }, [](const B& x, const B& y) { return B(x + y); },
      [](const B& x, const B& y) { return B(x * y); }, [](const B& x, const B& y) { return B(x / y); },
      [](const B& x, const B& y, const B& z) { return B(boost::multiprecision::fma(x, y, z)); },
      [](const B& x) { return B(boost::multiprecision::sqrt(x)); });
}

std::map<int, double> run_float16(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  using H = _Float16;
  // g++ 12 has no _Float16 fma/sqrt: through float, as users write it.
  return run_peer<H>(
      da, db, dc, [](double x) { return static_cast<H>(x); }, [](H x, H y) { return H(x + y); },
      [](H x, H y) { return H(x * y); }, [](H x, H y) { return H(x / y); },
      [](H x, H y, H z) { return static_cast<H>(std::fma(float(x), float(y), float(z))); },
      [](H x) { return static_cast<H>(std::sqrt(float(x))); });
}

std::map<int, double> run_float(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  return run_peer<float>(
      da, db, dc, [](double x) { return static_cast<float>(x); }, [](float x, float y) { return x + y; },
      [](float x, float y) { return x * y; }, [](float x, float y) { return x / y; },
      [](float x, float y, float z) { return std::fma(x, y, z); }, [](float x) { return std::sqrt(x); });
}

#if FLOATLAB_HAVE_FLOATX
// FloatX holds a double and rounds after each operation; fma and sqrt through double (FloatX
// has neither), as the measurement did.
template <int E, int M>
std::map<int, double> run_floatx(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  using X = flx::floatx<E, M>;
  return run_peer<X>(
      da, db, dc, [](double x) { return X(x); }, [](X x, X y) { return X(x + y); }, [](X x, X y) { return X(x * y); },
      [](X x, X y) { return X(x / y); }, [](X x, X y, X z) { return X(std::fma(double(x), double(y), double(z))); },
      [](X x) { return X(std::sqrt(double(x))); });
}
#endif

#if FLOATLAB_HAVE_UNIVERSAL
template <unsigned NB, unsigned ES>
std::map<int, double> run_universal(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  using U = sw::universal::cfloat<NB, ES, std::uint16_t, true, false, false>;
  return run_peer<U>(
      da, db, dc, [](double x) { return U(x); }, [](const U& x, const U& y) { return U(x + y); },
      [](const U& x, const U& y) { return U(x * y); }, [](const U& x, const U& y) { return U(x / y); },
      [](const U& x, const U& y, const U& z) { return U(sw::universal::fma(x, y, z)); },
      [](const U& x) { return U(sw::universal::sqrt(x)); });
}
#endif

#if FLOATLAB_HAVE_AC_TYPES
template <int W, int E>
std::map<int, double> run_ac(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  using A = ac_std_float<W, E>;
  return run_peer<A>(
      da, db, dc, [](double x) { return A(x); }, [](const A& x, const A& y) { return A(x + y); },
      [](const A& x, const A& y) { return A(x * y); }, [](const A& x, const A& y) { return A(x / y); },
      [](const A& x, const A& y, const A& z) { return A(x.template fma<AC_RND_CONV, false>(y, z)); },
      [](const A& x) { return A(x.template sqrt<AC_RND_CONV, false>()); });
}
#endif

// Operands: |x| in [0.5, 8) with random signs for b and c, rounded to the format T (so every
// peer gets the same values of the format); a is positive (sqrt).
template <class T>
std::vector<double> operands(int which) {
  std::mt19937_64 g(100 + which);
  std::uniform_real_distribution<double> u(0.5, 8.0);
  std::vector<double> v(kN);
  for (auto& x : v) x = static_cast<double>(T{(which > 0 && (g() & 1) ? -1 : 1) * u(g)});
  return v;
}

using table = std::map<std::string, std::map<int, double>>;  // row -> op -> Mops/s

bool modes_only = false;  // bench_peers [runs] modes: no peers

template <class T>
void format_rows(table& t, const std::string& name, std::map<int, double> (*boost)(const std::vector<double>&, const std::vector<double>&, const std::vector<double>&),
                 std::map<int, double> (*floatx)(const std::vector<double>&, const std::vector<double>&, const std::vector<double>&),
                 std::map<int, double> (*universal)(const std::vector<double>&, const std::vector<double>&, const std::vector<double>&),
                 std::map<int, double> (*ac)(const std::vector<double>&, const std::vector<double>&, const std::vector<double>&)) {
  const auto a = operands<T>(0), b = operands<T>(1), c = operands<T>(2);
  t["floatlab " + name] = run_floatlab<T>(a, b, c);
  if (modes_only) return;
  if (boost) t["Boost cpp_bin_float " + name] = boost(a, b, c);
  if (floatx) t["FloatX " + name] = floatx(a, b, c);
  if (universal) t["Universal " + name] = universal(a, b, c);
  if (ac) t["ac_std_float " + name] = ac(a, b, c);
  if (name == "binary16") {
    t["_Float16 (g++)"] = run_float16(a, b, c);
    t["float (native)"] = run_float(a, b, c);
  }
}

// Stochastic rounding in a user's loop that vectorizes: the words of philox_rng drawn ahead by
// philox_bulk_rng::fill (timed with the loop) and read through a word_stream (random.hpp).
// Same operands; fma and sqrt as above.
template <class T>
std::map<int, double> run_floatlab_stream(const std::vector<double>& da, const std::vector<double>& db, const std::vector<double>& dc) {
  std::vector<T> a(kN), b(kN), c(kN), out(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    a[i] = T{da[i]};
    b[i] = T{db[i]};
    c[i] = T{dc[i]};
  }
  using Mode = typename T::rounding_mode;
  std::vector<std::uint32_t> w(kN);
  fl::philox_bulk_rng g(1);
  std::map<int, double> r;
  auto body = [&](auto op) {
    return time_loop(out, [&] {
      g.fill(w.data(), kN);
      fl::word_stream src{w.data()};
      for (std::size_t i = 0; i < kN; ++i) out[i] = op(a[i], b[i], c[i], src);
    });
  };
  r[op_add] = body([](T x, T y, T, fl::word_stream& s) { return fl::add(x, y, Mode{}, s); });
  r[op_mul] = body([](T x, T y, T, fl::word_stream& s) { return fl::mul(x, y, Mode{}, s); });
  r[op_div] = body([](T x, T y, T, fl::word_stream& s) { return fl::div(x, y, Mode{}, s); });
  r[op_fma] = body([](T x, T y, T z, fl::word_stream& s) { return fl::fma(x, y, z, Mode{}, s); });
  r[op_sqrt] = body([](T x, T, T, fl::word_stream& s) { return fl::sqrt(x, Mode{}, s); });
  return r;
}

// floatlab in the other rounding modes, the mode in the type (what a user writes: the
// operators round in the type's mode; stochastic types draw from thread_rng()). Same operands
// as the format's nearest-even row; the ratio table below divides by that row. The
// "stochastic<8> word_stream" row draws the same kind of words ahead (run_floatlab_stream).
template <int E, int M, class Enc, class Mode>
void mode_row(table& t, const std::string& name, const std::string& mode_name) {
  using T = fl::cfloat<E, M, Mode, Enc>;
  using N = fl::cfloat<E, M, fl::round::nearest_even, Enc>;
  const auto a = operands<N>(0), b = operands<N>(1), c = operands<N>(2);
  t["floatlab " + name + " " + mode_name] = run_floatlab<T>(a, b, c);
}
template <int E, int M, class Enc = fl::encoding::ieee>
void mode_rows(table& t, const std::string& name) {
  mode_row<E, M, Enc, fl::round::toward_zero>(t, name, "toward_zero");
  mode_row<E, M, Enc, fl::round::upward>(t, name, "upward");
  mode_row<E, M, Enc, fl::round::downward>(t, name, "downward");
  mode_row<E, M, Enc, fl::round::nearest_away>(t, name, "nearest_away");
  mode_row<E, M, Enc, fl::round::odd>(t, name, "odd");
  mode_row<E, M, Enc, fl::round::stochastic<8>>(t, name, "stochastic<8>");
  mode_row<E, M, Enc, fl::round::stochastic<16>>(t, name, "stochastic<16>");
  {
    using N = fl::cfloat<E, M, fl::round::nearest_even, Enc>;
    const auto a = operands<N>(0), b = operands<N>(1), c = operands<N>(2);
    t["floatlab " + name + " stochastic<8> word_stream"] = run_floatlab_stream<fl::cfloat<E, M, fl::round::stochastic<8>, Enc>>(a, b, c);
  }
}
const char* const mode_names[] = {"toward_zero",   "upward",         "downward", "nearest_away", "odd", "stochastic<8>",
                                  "stochastic<16>", "stochastic<8> word_stream"};

template <int E, int M>
constexpr auto floatx_or_null() {
#if FLOATLAB_HAVE_FLOATX
  return &run_floatx<E, M>;
#else
  return static_cast<std::map<int, double> (*)(const std::vector<double>&, const std::vector<double>&, const std::vector<double>&)>(nullptr);
#endif
}

table one_run() {
  table t;
  using fn = std::map<int, double> (*)(const std::vector<double>&, const std::vector<double>&, const std::vector<double>&);
  fn uni16 = nullptr, unibf = nullptr, ac16 = nullptr, acbf = nullptr;
#if FLOATLAB_HAVE_UNIVERSAL
  uni16 = &run_universal<16, 5>;
  unibf = &run_universal<16, 8>;
#endif
#if FLOATLAB_HAVE_AC_TYPES
  ac16 = &run_ac<16, 5>;
  acbf = &run_ac<16, 8>;
#endif
  // cpp_bin_float's exponent limits are those of a value in [1, 2) * 2^e.
  format_rows<fl::binary16>(t, "binary16", &run_boost<11, -14, 15>, floatx_or_null<5, 10>(), uni16, ac16);
  format_rows<fl::bfloat16>(t, "bfloat16", &run_boost<8, -126, 127>, floatx_or_null<8, 7>(), unibf, acbf);
  format_rows<fl::e4m3>(t, "e4m3", &run_boost<4, -6, 8>, floatx_or_null<4, 3>(), nullptr, nullptr);
  format_rows<fl::e5m2>(t, "e5m2", &run_boost<3, -14, 15>, floatx_or_null<5, 2>(), nullptr, nullptr);
  format_rows<fl::cfloat<6, 9>>(t, "cfloat<6,9>", &run_boost<10, -30, 31>, floatx_or_null<6, 9>(), nullptr, nullptr);
  mode_rows<5, 10>(t, "binary16");
  mode_rows<8, 7>(t, "bfloat16");
  mode_rows<4, 3, fl::encoding::fn>(t, "e4m3");
  mode_rows<6, 9>(t, "cfloat<6,9>");
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 3;
  modes_only = argc > 2 && std::strcmp(argv[2], "modes") == 0;
#if !FLOATLAB_HAVE_FLOATX
  std::printf("FloatX: skipped (configure with -DFLOATLAB_PEER_FLOATX=<dir with floatx.hpp>)\n");
#endif
#if !FLOATLAB_HAVE_UNIVERSAL
  std::printf("Universal: skipped (configure with -DFLOATLAB_PEER_UNIVERSAL=<universal/include/sw>)\n");
#endif
#if !FLOATLAB_HAVE_AC_TYPES
  std::printf("ac_std_float: skipped (configure with -DFLOATLAB_PEER_AC_TYPES=<ac_types/include>)\n");
#endif
  std::vector<table> all;
  for (int r = 0; r < runs; ++r) all.push_back(one_run());
  // Per cell, the median over runs; ratios from the run whose floatlab cell is the median.
  auto med = [&](const std::string& row, int o) {
    std::vector<double> v;
    for (auto& t : all)
      if (t.count(row) && t[row].count(o)) v.push_back(t[row][o]);
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  auto ratio_med = [&](const std::string& row, const std::string& peer, int o) {
    std::vector<double> v;
    for (auto& t : all)
      if (t.count(row) && t.count(peer) && t[row].count(o) && t[peer].count(o) && t[peer][o] > 0) v.push_back(t[row][o] / t[peer][o]);
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("\nmillion ops/s, median of %d runs (each the median of 5 passes over 2^20 elements)\n\n", runs);
  std::printf("| type | add | mul | div | fma | sqrt |\n|---|---|---|---|---|---|\n");
  for (auto& kv : all[0]) {
    std::printf("| %s |", kv.first.c_str());
    for (int o = 0; o < 5; ++o) {
      const double m = med(kv.first, o);
      if (m > 0) std::printf(" %.0f |", m); else std::printf(" error |");
    }
    std::printf("\n");
  }
  std::printf("\nratios, same run (median over runs): floatlab / peer\n\n| format | peer | add | mul | div | fma | sqrt |\n|---|---|---|---|---|---|---|\n");
  for (const char* f : {"binary16", "bfloat16", "e4m3", "e5m2", "cfloat<6,9>"}) {
    const std::string ours = std::string("floatlab ") + f;
    for (const std::string peer : {std::string("_Float16 (g++)"), std::string("FloatX ") + f, std::string("Boost cpp_bin_float ") + f,
                                   std::string("Universal ") + f, std::string("ac_std_float ") + f}) {
      if (!all[0].count(peer)) continue;
      std::printf("| %s | %s |", f, peer.c_str());
      for (int o = 0; o < 5; ++o) {
        const double r = ratio_med(ours, peer, o);
        if (r > 0) std::printf(" %.2f |", r); else std::printf(" - |");
      }
      std::printf("\n");
    }
  }
  std::printf("\nrounding modes, same run (median over runs): floatlab in the mode / floatlab nearest_even, same format\n\n"
              "| format | mode | add | mul | div | fma | sqrt |\n|---|---|---|---|---|---|---|\n");
  for (const char* f : {"binary16", "bfloat16", "e4m3", "cfloat<6,9>"}) {
    const std::string nearest = std::string("floatlab ") + f;
    for (const char* m : mode_names) {
      const std::string row = nearest + " " + m;
      if (!all[0].count(row)) continue;
      std::printf("| %s | %s |", f, m);
      for (int o = 0; o < 5; ++o) {
        const double r = ratio_med(row, nearest, o);
        if (r > 0) std::printf(" %.2f |", r); else std::printf(" - |");
      }
      std::printf("\n");
    }
  }
  return 0;
}
