// floatlab/tensor/tensor.hpp: umbrella header of the host tensor operations (docs/tensor.md).
#pragma once

#include "common.hpp"
#include "conv.hpp"
#include "gemm.hpp"
#include "quantize.hpp"
#include "elementwise.hpp"
#include "pool.hpp"
#include "block_scaled.hpp"
#include "simd.hpp"
