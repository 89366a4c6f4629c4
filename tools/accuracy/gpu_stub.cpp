// tools/accuracy/gpu_stub.cpp: the CUDA back end of a build without CUDA (gpu_ops.hpp):
// never available; the calls are unreachable (tensor_ops.cpp selects backend::cuda only when
// available() is true) and exit with a message if reached.
#include <cstdio>
#include <cstdlib>

#include "gpu_ops.hpp"

namespace flacc::tops::gpu {

bool compiled() { return false; }
bool available(std::string* why) {
  if (why) *why = "this floatlab-accuracy was built without CUDA (see docs/accuracy.md, \"GPU back end\")";
  return false;
}
namespace {
[[noreturn]] void unreachable() {
  std::fprintf(stderr, "floatlab-accuracy: CUDA back end called in a build without CUDA\n");
  std::exit(3);
}
}  // namespace
void gemm_fp32(const float*, const float*, float*, std::size_t, std::size_t, std::size_t) { unreachable(); }
void conv_fp32(int, const conv_dims&, const float*, const float*, float*) { unreachable(); }
void gemm_exact(const float*, const float*, float*, std::size_t, std::size_t, std::size_t) { unreachable(); }
void conv_exact(int, const conv_dims&, const float*, const float*, float*) { unreachable(); }

}  // namespace flacc::tops::gpu
