// floatlab/floatlab.hpp: umbrella header (everything but cuda/).
#pragma once

#include "cfloat.hpp"
