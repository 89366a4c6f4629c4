#pragma once
#include "gemm.hpp"
