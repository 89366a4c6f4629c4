// The stand-alone loop timing of docs/performance.md (ninth-session run): not built by CMake;
// g++ -std=gnu++20 -O3 -march=native -Iinclude bench/results/issue12_s9_loops.cpp (scalar:
// -O2 -fno-tree-vectorize); an argument filters the rows by substring. Best of 100 passes over
// 2^16 elements, thread CPU time; the sr8ws rows time philox_bulk_rng::fill with the loop.
#include <floatlab/cfloat.hpp>
#include <floatlab/random.hpp>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <vector>
#include <algorithm>
namespace fl = floatlab;
constexpr std::size_t N = 1 << 16;
static double now() { timespec ts; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); return ts.tv_sec + ts.tv_nsec * 1e-9; }
template <class T> std::vector<T> ops(int w) { std::mt19937_64 g(100 + w); std::uniform_real_distribution<double> u(0.5, 8.0); std::vector<T> v(N); for (auto& x : v) x = T{(w > 0 && (g() & 1) ? -1 : 1) * u(g)}; return v; }
template <class T, class F> __attribute__((noinline)) void loop(const T* __restrict a, const T* __restrict b, const T* __restrict c, T* __restrict o, F f) { for (std::size_t i = 0; i < N; ++i) o[i] = f(a[i], b[i], c[i]); }
template <class T, class F> __attribute__((noinline)) void sloop(const T* __restrict a, const T* __restrict b, T* __restrict o, std::uint32_t* w, fl::philox_bulk_rng& g, F f) { g.fill(w, N); fl::word_stream s{w}; for (std::size_t i = 0; i < N; ++i) o[i] = f(a[i], b[i], s); }
static const char* filt = nullptr;
template <class T, class F> double run(F f) {
  auto a = ops<T>(0), b = ops<T>(1), c = ops<T>(2); std::vector<T> o(N);
  double best = 1e9;
  for (int p = 0; p < 100; ++p) { double t0 = now(); loop<T>(a.data(), b.data(), c.data(), o.data(), f); asm volatile("" ::"r"(o.data()) : "memory"); best = std::min(best, now() - t0); }
  return N / best / 1e6;
}
template <class T, class F> double srun(F f) {
  auto a = ops<T>(0), b = ops<T>(1); std::vector<T> o(N); std::vector<std::uint32_t> w(N); fl::philox_bulk_rng g(1);
  double best = 1e9;
  for (int p = 0; p < 100; ++p) { double t0 = now(); sloop<T>(a.data(), b.data(), o.data(), w.data(), g, f); asm volatile("" ::"r"(o.data()) : "memory"); best = std::min(best, now() - t0); }
  return N / best / 1e6;
}
#define ROW(T, NAME, EXPR) if (!filt || strstr(NAME, filt)) { double r = run<T>([](T x, T y, T z) { (void)z; return EXPR; }); std::printf("%-22s %8.0f\n", NAME, r); }
#define SROW(T, NAME, EXPR) if (!filt || strstr(NAME, filt)) { double r = srun<T>([](T x, T y, fl::word_stream& s) { return EXPR; }); std::printf("%-22s %8.0f\n", NAME, r); }
int main(int argc, char** argv) {
  if (argc > 1) filt = argv[1];
  using b16 = fl::binary16; using bf = fl::bfloat16; using e4 = fl::e4m3; using c69 = fl::cfloat<6,9>;
  using RZ = fl::round::toward_zero; using UP = fl::round::upward; using DN = fl::round::downward; using OD = fl::round::odd; using S8 = fl::round::stochastic<8>;
  ROW(b16, "b16 add rn", x + y) ROW(b16, "b16 add up", fl::add(x, y, UP{})) ROW(b16, "b16 add rz", fl::add(x, y, RZ{})) ROW(b16, "b16 add dn", fl::add(x, y, DN{})) ROW(b16, "b16 add od", fl::add(x, y, OD{}))
  ROW(b16, "b16 mul rn", x * y) ROW(b16, "b16 mul up", fl::mul(x, y, UP{})) ROW(b16, "b16 mul rz", fl::mul(x, y, RZ{})) ROW(b16, "b16 mul od", fl::mul(x, y, OD{}))
  ROW(b16, "b16 div rn", x / y) ROW(b16, "b16 div up", fl::div(x, y, UP{})) ROW(b16, "b16 div rz", fl::div(x, y, RZ{})) ROW(b16, "b16 div od", fl::div(x, y, OD{}))
  ROW(bf, "bf add rn", x + y) ROW(bf, "bf add up", fl::add(x, y, UP{})) ROW(bf, "bf add rz", fl::add(x, y, RZ{}))  ROW(bf, "bf add od", fl::add(x, y, OD{}))
  ROW(bf, "bf mul rn", x * y) ROW(bf, "bf mul up", fl::mul(x, y, UP{})) ROW(bf, "bf mul rz", fl::mul(x, y, RZ{}))
  ROW(bf, "bf div rn", x / y) ROW(bf, "bf div up", fl::div(x, y, UP{})) ROW(bf, "bf div rz", fl::div(x, y, RZ{}))
  ROW(e4, "e4 add rn", x + y) ROW(e4, "e4 add up", fl::add(x, y, UP{})) ROW(e4, "e4 mul rn", x * y) ROW(e4, "e4 mul up", fl::mul(x, y, UP{})) ROW(e4, "e4 div rn", x / y) ROW(e4, "e4 div up", fl::div(x, y, UP{}))
  ROW(c69, "c69 add rn", x + y) ROW(c69, "c69 add up", fl::add(x, y, UP{})) ROW(c69, "c69 mul rn", x * y) ROW(c69, "c69 mul up", fl::mul(x, y, UP{})) ROW(c69, "c69 div rn", x / y) ROW(c69, "c69 div up", fl::div(x, y, UP{}))
  SROW(b16, "b16 add sr8ws", fl::add(x, y, S8{}, s)) SROW(b16, "b16 mul sr8ws", fl::mul(x, y, S8{}, s)) SROW(b16, "b16 div sr8ws", fl::div(x, y, S8{}, s))
  SROW(bf, "bf add sr8ws", fl::add(x, y, S8{}, s)) SROW(bf, "bf mul sr8ws", fl::mul(x, y, S8{}, s)) SROW(bf, "bf div sr8ws", fl::div(x, y, S8{}, s))
  SROW(e4, "e4 add sr8ws", fl::add(x, y, S8{}, s))
  SROW(b16, "fill only", (static_cast<void>(s), x))
}
