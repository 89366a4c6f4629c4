// floatlab-accuracy: accuracy benchmarks of floatlab's formats and rounding modes.
//   floatlab-accuracy sweep [options]   errors of sums, dot products, GEMM, convolution vs MPFR
//   floatlab-accuracy train [options]   low-precision training on Fashion-MNIST (MLP, CNN)
#include <cstdio>
#include <cstring>

#ifndef FLACC_NO_SWEEP
#include "sweep.hpp"
#endif
#include "train.hpp"

int main(int argc, char** argv) {
  const char* usage =
      "usage: floatlab-accuracy <command> [options]   (floatlab-accuracy <command> --help for its options)\n\n"
      "commands:\n"
      "  sweep   error against MPFR of recursive sums (up to 1e7 terms), dot products, GEMM and 2-D\n"
      "          convolution, for each format (cfloat, fixed, block fixed point, MX, expansions) and\n"
      "          rounding mode, on chosen input distributions; median and spread over seeds; CSV, PNG\n"
      "          plots and summary.md in one output folder\n"
      "  train   MLP or small CNN on Fashion-MNIST with FP32 master weights and forward/backward in\n"
      "          chosen formats: fp32, bfloat16, binary16 with loss scaling, fp8, block fixed point\n"
      "          8/12/14/16, MuPPET precision switching, a fixed low-to-high schedule, MXFP4; per-epoch\n"
      "          CSV, final table, plots and summary.md\n\n"
      "Outputs go to ./floatlab-accuracy-out/<UTC time>-<command>/ unless --out DIR is given.\n";
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::printf("%s", usage);
    return argc < 2 ? 2 : 0;
  }
#ifdef FLACC_NO_SWEEP
  // The train-only build (no MPFR: examples/run_full_device.sh, or CMake without MPFR).
  if (!std::strcmp(argv[1], "sweep")) {
    std::fprintf(stderr, "floatlab-accuracy: this build has train only (sweep needs MPFR and GMP: libmpfr-dev libgmp-dev)\n");
    return 2;
  }
#else
  if (!std::strcmp(argv[1], "sweep")) return flacc::sweep_main(argc, argv);
#endif
  if (!std::strcmp(argv[1], "train")) return flacc::train_main(argc, argv);
  std::fprintf(stderr, "floatlab-accuracy: unknown command '%s'\n\n%s", argv[1], usage);
  return 2;
}
