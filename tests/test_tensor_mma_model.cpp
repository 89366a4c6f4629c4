// The Hopper tensor-core model (tensor/mma_model.hpp) against the H200's own outputs, and
// tensor::gemm's chunked<L, sm90_mma> against them: tests/data/sm90_mma_h200.bin holds D of
// mma.sync.m16n8k16.row.col.f32.{f16,bf16} on the device machine (December 2026) for 16 cases
// of each operand class and format of tests/support/mma_cases.hpp (the full 2 x 1,310,720 dot
// products ran on the device: 0 mismatches; tests/cuda/tensor_kernels.cu repeats that there).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

#include "floatlab/cfloat.hpp"
#include "floatlab/tensor/gemm.hpp"
#include "support/mma_cases.hpp"

using namespace floatlab;
using floatlab_test::gen_case;
using floatlab_test::mma_case;

namespace {

constexpr int cases_per_class = 16, classes = 5, probe_per_class = 2048;

std::vector<std::uint32_t> recorded() {
  std::vector<std::uint32_t> d(std::size_t{2} * classes * cases_per_class * 128);
  std::FILE* f = std::fopen(FLOATLAB_TEST_DATA_DIR "/sm90_mma_h200.bin", "rb");
  REQUIRE(f != nullptr);
  const std::size_t got = std::fread(d.data(), 4, d.size(), f);
  std::fclose(f);
  REQUIRE(got == d.size());
  return d;
}

// Case t of class cls and format fmt, as the probe generated it.
mma_case probe_case(int fmt, int cls, int t) {
  mma_case c;
  gen_case(std::uint64_t(cls * probe_per_class + t) + 1000003ull * fmt, fmt, cls, c);
  return c;
}

template <class T>
detail::unpacked unpack16(std::uint16_t bits) {
  return detail::unpack<typename T::format_type>(bits);
}

template <class T>
std::uint32_t model_dot(const mma_case& c, int i, int j) {
  detail::unpacked a[16], b[16];
  for (int k = 0; k < 16; ++k) a[k] = unpack16<T>(c.a[i][k]), b[k] = unpack16<T>(c.b[k][j]);
  return tensor::detail::sm90_mma_block<T::format_type::fraction_bits>(a, b, 16, c.c[i][j]);
}

template <class T>
void check_format(int fmt) {
  const auto d = recorded();
  long mismatches = 0, count = 0;
  for (int cls = 0; cls < classes; ++cls)
    for (int t = 0; t < cases_per_class; ++t) {
      const mma_case c = probe_case(fmt, cls, t);
      const std::uint32_t* hw = &d[((std::size_t(fmt) * classes + cls) * cases_per_class + t) * 128];
      for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 8; ++j, ++count)
          if (model_dot<T>(c, i, j) != hw[i * 8 + j]) ++mismatches;
    }
  CHECK(count == classes * cases_per_class * 128);
  CHECK(mismatches == 0);
}

// tensor::gemm with chunked<16, sm90_mma>, beta = 0, on the class of zero c: one block per
// output, which the H200 computed with c = +-0 (no term): D of the device. Catches the k
// order, the layout and the wiring of the model into the GEMM.
template <class T>
void check_gemm(int fmt) {
  const auto d = recorded();
  using R = tensor::gemm_recipe<T, binary32, binary32, tensor::chunked<16, tensor::sm90_mma>>;
  long mismatches = 0;
  for (int t = 0; t < cases_per_class; ++t) {
    const mma_case c = probe_case(fmt, 3, t);
    std::vector<T> a(16 * 16), b(16 * 8);
    for (int i = 0; i < 16; ++i)
      for (int k = 0; k < 16; ++k) a[i * 16 + k] = T::from_bits(c.a[i][k]);
    for (int k = 0; k < 16; ++k)
      for (int j = 0; j < 8; ++j) b[k * 8 + j] = T::from_bits(c.b[k][j]);
    std::vector<float> out(16 * 8, -1.0f);
    tensor::gemm_shape s;
    s.m = 16, s.n = 8, s.k = 16;
    REQUIRE(tensor::gemm<R>(s, a, b, out).ok());
    const std::uint32_t* hw = &d[((std::size_t(fmt) * classes + 3) * cases_per_class + t) * 128];
    for (int i = 0; i < 128; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, &out[i], 4);
      if (bits != hw[i]) ++mismatches;
    }
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("sm90 tensor-core model equals the H200's mma.sync outputs: binary16", "[tensor][mma]") {
  check_format<binary16>(0);
}
TEST_CASE("sm90 tensor-core model equals the H200's mma.sync outputs: bfloat16", "[tensor][mma]") {
  check_format<bfloat16>(1);
}
TEST_CASE("gemm chunked<16, sm90_mma> equals the H200's outputs (zero c)", "[tensor][mma]") {
  check_gemm<binary16>(0);
  check_gemm<bfloat16>(1);
}
TEST_CASE("sm90 model: special values and the rejected alignment widths", "[tensor][mma]") {
  using tensor::detail::sm90_mma_block;
  auto u = [](double x) { return unpack16<binary16>(binary16(x).bits()); };
  detail::unpacked a[2] = {u(1.0), u(65504.0)}, b[2] = {u(1.0), u(65504.0)};
  // 1 + 65504^2 = 4290774017 = 0xFFC00401: truncated to 24 bits (toward zero), 0xFFC00400.
  CHECK(sm90_mma_block<10>(a, b, 2, 0) == 0x4F7FC004u);
  // A NaN input, inf * 0 and inf - inf give NaN; one infinity gives it.
  detail::unpacked inf = detail::unpack<binary16::format_type>(0x7C00),
                   ninf = detail::unpack<binary16::format_type>(0xFC00);
  detail::unpacked zero = u(0.0), one = u(1.0);
  detail::unpacked x1[2] = {inf, one}, y1[2] = {zero, one};
  CHECK((sm90_mma_block<10>(x1, y1, 2, 0) & 0x7FFFFFFFu) > 0x7F800000u);
  detail::unpacked x2[2] = {inf, ninf}, y2[2] = {one, one};
  CHECK((sm90_mma_block<10>(x2, y2, 2, 0) & 0x7FFFFFFFu) > 0x7F800000u);
  detail::unpacked x3[2] = {inf, one}, y3[2] = {one, one};
  CHECK(sm90_mma_block<10>(x3, y3, 2, 0) == 0x7F800000u);
  // No product: c itself.
  CHECK(sm90_mma_block<10>(x3, y3, 0, 0x3F800000u) == 0x3F800000u);
}
