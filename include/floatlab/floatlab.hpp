// floatlab/floatlab.hpp: umbrella header (everything but cuda/).
#pragma once

#include "status.hpp"
#include "view.hpp"
#include "cfloat.hpp"
#include "eft.hpp"
#include "expansion.hpp"
#include "fixed.hpp"
#include "block.hpp"
#include "mx.hpp"
#include "text.hpp"
#include "math.hpp"
#include "activations.hpp"
