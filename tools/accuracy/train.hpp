// tools/accuracy/train.hpp: `floatlab-accuracy train`.
#pragma once

#include <string>
#include <vector>

#include "data.hpp"
#include "nn.hpp"

namespace flacc {

int train_main(int argc, char** argv);

// A training scheme: the precision of each epoch (fixed, scheduled, or MuPPET-switched).
struct scheme {
  std::string name, description;
  std::vector<nn::precision> levels;  // MuPPET / schedule: low to high; fixed: one
  enum kind_t { fixed, muppet, schedule } kind = fixed;
  std::vector<int> switch_epochs;     // schedule: first epoch of levels 1, 2, ...
  bool loss_scaling = false;          // dynamic loss scaling (binary16, fp8)
};

// Known names: fp32, bf16 (bfloat16), fp16 (binary16 + loss scaling), fp8, bfp8, bfp12,
// bfp14, bfp16, muppet, schedule, mxfp4. Formats are owned by the returned storage.
bool make_scheme(const std::string& name, int epochs, const std::vector<int>& schedule_epochs, scheme& out,
                 std::vector<std::unique_ptr<any_format>>& storage, std::string& error);

}  // namespace flacc
