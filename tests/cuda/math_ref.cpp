// tests/cuda/math_ref.cpp: the CPU reference of one part of tests/cuda/math_kernel.cu, built by
// g++ (tests/cuda/run_math.sh: -DFLOATLAB_MATH_FULL=k, -DFLOATLAB_MATH_STEP=k or -DFLOATLAB_MATH_DSTEP=k) and linked
// with the CUDA parts; the host build of math.hpp is the one tests/test_math*.cpp prove.
#include <tuple>

#include "math_cases.hpp"

#if defined(FLOATLAB_MATH_FULL)
template void math_cases::full_reference<FLOATLAB_MATH_FULL>(std::uint32_t*);
#elif defined(FLOATLAB_MATH_STEP)
template void math_cases::step_reference<FLOATLAB_MATH_STEP>(std::uint32_t*);
#elif defined(FLOATLAB_MATH_DSTEP)
template void math_cases::dstep_reference<FLOATLAB_MATH_DSTEP>(std::uint32_t*);
#else
#error "math_ref.cpp: define FLOATLAB_MATH_FULL, FLOATLAB_MATH_STEP or FLOATLAB_MATH_DSTEP"
#endif
