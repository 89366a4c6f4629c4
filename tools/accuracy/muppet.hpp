// tools/accuracy/muppet.hpp: MuPPET's precision-switching policy.
//
// Rajagopal, Vink, Venieris, Bouganis, "Multi-Precision Policy Enforced Training (MuPPET):
// a precision-switching strategy for quantised fixed-point training of CNNs", ICML 2020,
// sections 3.2-3.3. For the level switched into at epoch e:
//  1. at each epoch j the last minibatch gradient of each layer l, g_l^j, is stored;
//  2. once r epochs of this level lie behind (j - e >= r), the inter-epoch gradient
//     diversity of eq. (6) is
//        Delta^j = (1/|L|) sum_l  sum_{k=j-r}^{j} ||g_l^k||^2  /  || sum_{k=j-r}^{j} g_l^k ||^2 ;
//  3. with S(j) = { Delta^i : e <= i < j } (the diversities of this level before j), the
//     ratio is p = max S(j) / Delta^j;
//  4. the threshold decays with the epoch: T(j) = alpha + beta exp(-lambda j)  (eq. 7);
//  5. a violation is p > T(j); when the violations of this level exceed gamma, the policy
//     switches to the next precision and S is emptied.
// Hyper-parameters of the paper: r = 3, gamma = 2, lambda = 0.1, alpha = 1, beta = 1.5.
// Epochs j count from 0 here (the first epoch is j = 0); the tool's outputs count from 1.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace flacc {

struct muppet_params {
  int r = 3;
  int gamma = 2;
  double lambda = 0.1, alpha = 1.0, beta = 1.5;
};

struct muppet_epoch {
  int epoch = 0;
  bool has_diversity = false, has_ratio = false;
  double diversity = 0, ratio = 0, threshold = 0;
  int violations = 0;   // of the current level, after this epoch
  bool switched = false;
};

class muppet_policy {
 public:
  explicit muppet_policy(muppet_params p = {}) : p_(p) {}
  double threshold(int j) const { return p_.alpha + p_.beta * std::exp(-p_.lambda * double(j)); }

  // End of epoch j: the last gradient of each layer (flattened). Returns what the policy
  // computed; switched = true means: train epoch j + 1 at the next precision.
  muppet_epoch end_epoch(int j, const std::vector<std::vector<float>>& layer_grads) {
    muppet_epoch out;
    out.epoch = j;
    out.threshold = threshold(j);
    history_.push_back(layer_grads);
    if (history_.size() > static_cast<std::size_t>(p_.r) + 1) history_.erase(history_.begin());  // older: unused
    if (static_cast<int>(history_.size()) >= p_.r + 1) {
      // Window k = j - r .. j: the last r + 1 stored gradients, all of this level.
      const std::size_t first = history_.size() - static_cast<std::size_t>(p_.r) - 1;
      double total = 0;
      const std::size_t L = layer_grads.size();
      for (std::size_t l = 0; l < L; ++l) {
        const std::size_t n = layer_grads[l].size();
        std::vector<double> sum(n, 0.0);
        double sq = 0;
        for (std::size_t k = first; k < history_.size(); ++k) {
          const auto& g = history_[k][l];
          for (std::size_t i = 0; i < n; ++i) {
            sq += double(g[i]) * double(g[i]);
            sum[i] += double(g[i]);
          }
        }
        double ss = 0;
        for (double v : sum) ss += v * v;
        total += ss > 0 ? sq / ss : 0;
      }
      out.has_diversity = true;
      out.diversity = L ? total / double(L) : 0;
      if (!diversities_.empty()) {
        double mx = diversities_[0];
        for (double d : diversities_) mx = d > mx ? d : mx;
        out.has_ratio = true;
        out.ratio = out.diversity > 0 ? mx / out.diversity : HUGE_VAL;
        if (out.ratio > out.threshold) ++violations_;
      }
      diversities_.push_back(out.diversity);
    }
    out.violations = violations_;
    if (violations_ > p_.gamma) {
      out.switched = true;
      reset();
    }
    return out;
  }
  // The policy's memory (train --checkpoint saves it, --resume restores it).
  struct state {
    std::vector<std::vector<std::vector<float>>> history;  // per stored epoch, per layer
    std::vector<double> diversities;
    int violations = 0;
  };
  state saved() const { return {history_, diversities_, violations_}; }
  void restore(state s) {
    history_ = std::move(s.history);
    diversities_ = std::move(s.diversities);
    violations_ = s.violations;
  }
  void reset() {
    history_.clear();
    diversities_.clear();
    violations_ = 0;
  }

 private:
  muppet_params p_;
  std::vector<std::vector<std::vector<float>>> history_;  // epochs of this level
  std::vector<double> diversities_;                       // S(j)
  int violations_ = 0;
};

}  // namespace flacc
