// floatlab/cfloat_fwd.hpp: the cfloat template's declaration, its trait and the named
// aliases, for headers that name formats without doing cfloat arithmetic (mx.hpp).
#pragma once

#include "format.hpp"
#include "rounding.hpp"

namespace floatlab {

template <int E, int M, class Rounding = round::nearest_even, class Encoding = encoding::ieee>
class cfloat;

template <class T>
struct is_cfloat : std::false_type {};
template <int E, int M, class R, class Enc>
struct is_cfloat<cfloat<E, M, R, Enc>> : std::true_type {};
template <class T>
inline constexpr bool is_cfloat_v = is_cfloat<std::remove_cv_t<T>>::value;

// ---- aliases: same bits and rules as the hardware types they name --------------------------

using binary16 = cfloat<5, 10>;                                          // IEEE half
using bfloat16 = cfloat<8, 7>;                                           // Google brain float
using tf32 = cfloat<8, 10>;                                              // NVIDIA TensorFloat-32 (19 bits)
using binary32 = cfloat<8, 23>;                                          // IEEE single
using binary64 = cfloat<11, 52>;                                         // IEEE double
using e4m3 = cfloat<4, 3, round::nearest_even, encoding::fn>;            // OCP FP8 E4M3 (max 448)
using e5m2 = cfloat<5, 2>;                                               // OCP FP8 E5M2 (IEEE-like)
using e4m3fnuz = cfloat<4, 3, round::nearest_even, encoding::fnuz>;      // AMD/Graphcore FP8
using e5m2fnuz = cfloat<5, 2, round::nearest_even, encoding::fnuz>;      // AMD/Graphcore FP8
using e3m2 = cfloat<3, 2, round::nearest_even, encoding::finite>;        // OCP MX FP6 E3M2
using e2m3 = cfloat<2, 3, round::nearest_even, encoding::finite>;        // OCP MX FP6 E2M3
using e2m1 = cfloat<2, 1, round::nearest_even, encoding::finite>;        // OCP MX FP4 E2M1
// Saturating variants: overflow gives the largest finite value (OCP/PTX .satfinite).
using e4m3_sat = cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>;        // e4m3, max 448
using e4m3fnuz_sat = cfloat<4, 3, round::nearest_even, encoding::fnuz_satfinite>;  // e4m3fnuz, max 240
using e5m2fnuz_sat = cfloat<5, 2, round::nearest_even, encoding::fnuz_satfinite>;  // e5m2fnuz, max 57344

}  // namespace floatlab
