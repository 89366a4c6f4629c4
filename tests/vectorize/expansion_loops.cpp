// A user's loops z[i] = x[i] op y[i] over arrays of expansion<3/4, double> and
// expansion<4, float> (+ * /): tests/vectorize/check_expansion.sh requires GCC to report each
// loop (the lines marked LOOP) vectorized, as the branch-free kernels of
// detail/expansion_fixed.hpp are written to be (docs/expansions.md, "Specialized kernels").
#include <floatlab/expansion.hpp>

using E3 = floatlab::expansion<3, double>;
using E4 = floatlab::expansion<4, double>;
using F4 = floatlab::expansion<4, float>;

void add3(const E3* x, const E3* y, E3* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] + y[i];  // LOOP
}
void mul3(const E3* x, const E3* y, E3* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] * y[i];  // LOOP
}
void div3(const E3* x, const E3* y, E3* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] / y[i];  // LOOP
}
void add4(const E4* x, const E4* y, E4* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] + y[i];  // LOOP
}
void mul4(const E4* x, const E4* y, E4* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] * y[i];  // LOOP
}
void div4(const E4* x, const E4* y, E4* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] / y[i];  // LOOP
}
void mul4f(const F4* x, const F4* y, F4* z, int n) {
  for (int i = 0; i < n; ++i) z[i] = x[i] * y[i];  // LOOP
}
