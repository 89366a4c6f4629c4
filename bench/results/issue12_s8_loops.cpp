// The stand-alone loop timing of docs/performance.md (eighth-session run): not built by CMake;
// g++ -std=gnu++20 -O3 -march=native -Iinclude bench/results/issue12_s8_loops.cpp (scalar:
// -O2 -fno-tree-vectorize). Best of 200 passes over 2^16 elements, thread CPU time.
#include <floatlab/cfloat.hpp>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>
#include <algorithm>
namespace fl = floatlab;
constexpr std::size_t N = 1 << 16;
static double now() { timespec ts; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); return ts.tv_sec + ts.tv_nsec * 1e-9; }
template <class T> std::vector<T> ops(int w) { std::mt19937_64 g(100 + w); std::uniform_real_distribution<double> u(0.5, 8.0); std::vector<T> v(N); for (auto& x : v) x = T{(w > 0 && (g() & 1) ? -1 : 1) * u(g)}; return v; }
template <class T, class F> __attribute__((noinline)) void loop(const T* __restrict a, const T* __restrict b, const T* __restrict c, T* __restrict o, F f) { for (std::size_t i = 0; i < N; ++i) o[i] = f(a[i], b[i], c[i]); }
template <class T, class F> double run(F f) {
  auto a = ops<T>(0), b = ops<T>(1), c = ops<T>(2); std::vector<T> o(N);
  double best = 1e9;
  for (int p = 0; p < 200; ++p) { double t0 = now(); loop<T>(a.data(), b.data(), c.data(), o.data(), f); asm volatile("" ::"r"(o.data()) : "memory"); best = std::min(best, now() - t0); }
  return N / best / 1e6;
}
#define ROW(T, NAME, EXPR) { double r = run<T>([](T x, T y, T z) { (void)z; return EXPR; }); std::printf("%-22s %8.0f\n", NAME, r); }
int main() {
  using b16 = fl::binary16; using bf = fl::bfloat16; using e4 = fl::e4m3; using c69 = fl::cfloat<6,9>;
  using RZ = fl::round::toward_zero; using UP = fl::round::upward; using DN = fl::round::downward; using OD = fl::round::odd;
  for (int rep = 0; rep < 2; ++rep) {
  ROW(b16, "b16 add rn", x + y) ROW(b16, "b16 add up", fl::add(x, y, UP{})) ROW(b16, "b16 add rz", fl::add(x, y, RZ{})) ROW(b16, "b16 add dn", fl::add(x, y, DN{}))
  ROW(b16, "b16 mul rn", x * y) ROW(b16, "b16 mul up", fl::mul(x, y, UP{})) ROW(b16, "b16 mul rz", fl::mul(x, y, RZ{})) ROW(b16, "b16 mul dn", fl::mul(x, y, DN{}))
  ROW(b16, "b16 div rn", x / y) ROW(b16, "b16 div up", fl::div(x, y, UP{})) ROW(b16, "b16 div rz", fl::div(x, y, RZ{}))
  ROW(b16, "b16 fma rn", fl::fma(x, y, z)) ROW(b16, "b16 fma up", fl::fma(x, y, z, UP{}))
  ROW(bf, "bf add rn", x + y) ROW(bf, "bf add up", fl::add(x, y, UP{})) ROW(bf, "bf add rz", fl::add(x, y, RZ{}))
  ROW(bf, "bf mul rn", x * y) ROW(bf, "bf mul up", fl::mul(x, y, UP{})) ROW(bf, "bf mul rz", fl::mul(x, y, RZ{}))
  ROW(bf, "bf div rn", x / y) ROW(bf, "bf div up", fl::div(x, y, UP{})) ROW(bf, "bf div rz", fl::div(x, y, RZ{}))
  ROW(bf, "bf fma rn", fl::fma(x, y, z)) ROW(bf, "bf fma up", fl::fma(x, y, z, UP{}))
  ROW(e4, "e4 add rn", x + y) ROW(e4, "e4 add up", fl::add(x, y, UP{})) ROW(e4, "e4 mul up", fl::mul(x, y, UP{})) ROW(e4, "e4 mul rn", x * y) ROW(e4, "e4 div rn", x / y) ROW(e4, "e4 div up", fl::div(x, y, UP{}))
  ROW(c69, "c69 add rn", x + y) ROW(c69, "c69 add up", fl::add(x, y, UP{})) ROW(c69, "c69 mul up", fl::mul(x, y, UP{})) ROW(c69, "c69 div up", fl::div(x, y, UP{}))
  }
}
