# Per-file compile options and compile-only checks of the test suite.

# fesetround must be honoured: no constant folding under the default mode.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/test_hardware_agreement.cpp PROPERTIES COMPILE_OPTIONS -frounding-math)

# The core headers' contract: C++17 without extensions, no exceptions, no RTTI, no warnings.
add_executable(compile_c17_contract compile/c17_contract.cpp)
target_link_libraries(compile_c17_contract PRIVATE floatlab::floatlab)
set_target_properties(compile_c17_contract PROPERTIES CXX_STANDARD 17 CXX_EXTENSIONS OFF)
target_compile_options(compile_c17_contract PRIVATE -fno-exceptions -fno-rtti -Wall -Wextra -Wpedantic -Werror)
add_test(NAME compile_c17_contract COMMAND compile_c17_contract)
set_tests_properties(compile_c17_contract PROPERTIES LABELS ci)

# Invalid template arguments fail with a message that names the problem.
set(floatlab_compile_errors
  "exponent bits E must be in 1..11"
  "exponent bits E must be in 1..11"
  "fraction bits M must be at least 1"
  "1 \\+ E \\+ M must be at most 64 bits"
  "without subnormals needs E >= 2"
  "random bits R must be in 1..32"
  "Rounding must be a floatlab::round tag"
  "needs a random source")
set(case 0)
foreach(message IN LISTS floatlab_compile_errors)
  math(EXPR case "${case} + 1")
  add_test(NAME compile_error_${case}
    COMMAND ${CMAKE_CXX_COMPILER} -std=c++17 -fsyntax-only -I${PROJECT_SOURCE_DIR}/include
            -DFLOATLAB_ERROR_CASE=${case} ${CMAKE_CURRENT_SOURCE_DIR}/compile/errors.cpp)
  set_tests_properties(compile_error_${case} PROPERTIES PASS_REGULAR_EXPRESSION "${message}" LABELS ci)
endforeach()

# The installed package and add_subdirectory both work for a consumer project.
add_test(NAME package_consumer
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/package/run.sh ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/package)
set_tests_properties(package_consumer PROPERTIES LABELS ci)

# CUDA: cfloat in a __global__ kernel, compared with the CPU bit for bit. CI has nvcc but no
# GPU: the build is the compile test and the run exits 77 (skipped).
option(FLOATLAB_CUDA_TESTS "Build the CUDA tests when nvcc is found" ON)
if(FLOATLAB_CUDA_TESTS)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
    add_executable(cuda_cfloat_kernel cuda/cfloat_kernel.cu)
    target_link_libraries(cuda_cfloat_kernel PRIVATE floatlab::floatlab)
    set_target_properties(cuda_cfloat_kernel PROPERTIES CUDA_STANDARD 17 CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
    add_test(NAME cuda_cfloat_kernel COMMAND cuda_cfloat_kernel)
    set_tests_properties(cuda_cfloat_kernel PROPERTIES SKIP_RETURN_CODE 77 LABELS "ci;cuda")
  else()
    message(STATUS "floatlab: no CUDA compiler found, CUDA tests not built")
  endif()
endif()

# expansions
# Error-free transforms must survive a compiler that fuses a*b + c (test_eft_contract.cpp
# also compiles its callers for FMA hardware on x86 through a target attribute).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/test_eft_contract.cpp PROPERTIES COMPILE_OPTIONS -ffp-contract=fast)
# expansion<N, T> rejects N outside 1..8 and bases that do not round to nearest-even.
set(floatlab_expansion_errors
  "the number of terms N must be in 1..8"
  "T must be radix 2 with round-to-nearest"
  "the number of terms must be in 1..N")
set(case 0)
foreach(message IN LISTS floatlab_expansion_errors)
  math(EXPR case "${case} + 1")
  add_test(NAME compile_error_expansion_${case}
    COMMAND ${CMAKE_CXX_COMPILER} -std=c++17 -fsyntax-only -I${PROJECT_SOURCE_DIR}/include
            -DFLOATLAB_EXPANSION_ERROR_CASE=${case} ${CMAKE_CURRENT_SOURCE_DIR}/compile/expansion_errors.cpp)
  set_tests_properties(compile_error_expansion_${case} PROPERTIES PASS_REGULAR_EXPRESSION "${message}" LABELS ci)
endforeach()
# expansion<N, T> in a CUDA kernel vs the host, bit for bit (built where the block above
# found nvcc; exits 77 = skipped without a GPU).
if(FLOATLAB_CUDA_TESTS AND CMAKE_CUDA_COMPILER)
  add_executable(cuda_expansion_kernel cuda/expansion_kernel.cu)
  target_link_libraries(cuda_expansion_kernel PRIVATE floatlab::floatlab)
  set_target_properties(cuda_expansion_kernel PROPERTIES CUDA_STANDARD 17 CUDA_ARCHITECTURES "${CMAKE_CUDA_ARCHITECTURES}")
  add_test(NAME cuda_expansion_kernel COMMAND cuda_expansion_kernel)
  set_tests_properties(cuda_expansion_kernel PROPERTIES SKIP_RETURN_CODE 77 LABELS "ci;cuda")
endif()

# Fast paths: test_fast_paths.cpp again, built for AVX2/FMA/F16C hardware (x86-64-v3) with the
# F16C conversions on, so that the vectorized code and the F16C path are what is checked.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  add_executable(test_fast_paths_v3 ${CMAKE_CURRENT_SOURCE_DIR}/test_fast_paths.cpp $<TARGET_OBJECTS:floatlab_test_main>)
  target_link_libraries(test_fast_paths_v3 PRIVATE floatlab_test_support)
  target_compile_options(test_fast_paths_v3 PRIVATE -march=x86-64-v3 -DFLOATLAB_USE_F16C=1)
  add_test(NAME test_fast_paths_v3 COMMAND test_fast_paths_v3 "~[full]")
  set_tests_properties(test_fast_paths_v3 PROPERTIES LABELS ci)
endif()

# A user's loops c[i] = a[i] op b[i] over binary16, bfloat16, e4m3 and cfloat<6,9> vectorize
# (GCC's -fopt-info-vec report at -O3 -march=x86-64-v3; tests/vectorize/check.sh).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  add_test(NAME vectorize_cfloat_loops
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/vectorize/check.sh ${CMAKE_CXX_COMPILER} ${PROJECT_SOURCE_DIR}/include)
  set_tests_properties(vectorize_cfloat_loops PROPERTIES LABELS ci)
endif()
