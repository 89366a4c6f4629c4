// expansion<2,double>, expansion<4,double> and Dekker's product in a __global__ kernel, compared
// with the same code on the host bit for bit (the EFTs use __dmul_rn/__fma_rn on the device,
// so nvcc's default contraction cannot change them). Exits 77 without a GPU.
#include "floatlab/expansion.hpp"
#include <cstdio>
using dd = floatlab::expansion<2, double>;
using qd = floatlab::expansion<4, double>;
__global__ void k(const double* x, double* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  dd a = dd::from_terms(x[i], x[i] * 0x1p-60);
  dd b = sqrt(a * a + a / (a + 1.0));
  qd c = qd(x[i]);
  c = sqrt(c * c + c / (c + qd(1.0)));
  floatlab::eft_result<float> s = floatlab::two_prod_dekker(float(x[i]), 3.0f);
  out[4 * i] = b[0]; out[4 * i + 1] = b[1]; out[4 * i + 2] = c[1]; out[4 * i + 3] = s.lo;
}
int main() {
  const int n = 256; double *x, *o;
  if (cudaMallocManaged(&x, n * sizeof(double)) != cudaSuccess ||
      cudaMallocManaged(&o, 4 * n * sizeof(double)) != cudaSuccess) {
    printf("no CUDA device: skipped\n");
    return 77;
  }
  for (int i = 0; i < n; ++i) x[i] = 1.0 + i / 7.0;
  k<<<1, n>>>(x, o, n);
  if (cudaDeviceSynchronize() != cudaSuccess) { printf("no CUDA device: skipped\n"); return 77; }
  int bad = 0;
  for (int i = 0; i < n; ++i) {
    dd a = dd::from_terms(x[i], x[i] * 0x1p-60);
    dd b = sqrt(a * a + a / (a + 1.0));
    qd c = qd(x[i]); c = sqrt(c * c + c / (c + qd(1.0)));
    floatlab::eft_result<float> s = floatlab::two_prod_dekker(float(x[i]), 3.0f);
    if (b[0] != o[4*i] || b[1] != o[4*i+1] || c[1] != o[4*i+2] || s.lo != o[4*i+3]) ++bad;
  }
  printf("device vs host mismatches: %d of %d\n", bad, n);
  return bad != 0;
}
