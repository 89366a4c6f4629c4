# floatlab_enable_cuda(<default architectures>): finds nvcc (CMAKE_CUDA_COMPILER, else
# /usr/local/cuda/bin/nvcc) and, when there is one, enables CUDA with CMAKE_CUDA_ARCHITECTURES
# defaulting to the given list. A macro: CUDA is enabled in the caller's directory. Afterwards
# CMAKE_CUDA_COMPILER is set exactly when CUDA is usable.
macro(floatlab_enable_cuda default_architectures)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
      set(CMAKE_CUDA_ARCHITECTURES "${default_architectures}")
    endif()
    enable_language(CUDA)
  endif()
endmacro()
