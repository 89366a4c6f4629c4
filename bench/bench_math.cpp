// bench/bench_math.cpp: throughput of floatlab's correctly rounded exp, log, tanh, logistic,
// sin, cos, pow, log1p, softplus, erf, gelu, gelu_tanh, silu, logistic_grad and tanh_grad in
// binary16, bfloat16 and binary32 (nearest-even) beside the float formulas from <cmath>
// (std::exp, ..., log1p(exp x), x/2 (1 + erf(x/sqrt 2)), s (1 - s), 1 - tanh^2: not correctly
// rounded), over the same operand arrays; prints the ratios of one run.
#include <floatlab/math.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace fl = floatlab;

namespace {

constexpr std::size_t n = 4096;

enum class op {
  exp,
  log,
  tanh,
  logistic,
  sin,
  cos,
  pow,
  log1p,
  softplus,
  erf,
  gelu,
  gelu_tanh,
  silu,
  logistic_grad,
  tanh_grad
};
constexpr op all_ops[] = {op::exp,  op::log,       op::tanh,  op::logistic,      op::sin,
                          op::cos,  op::pow,       op::log1p, op::softplus,      op::erf,
                          op::gelu, op::gelu_tanh, op::silu,  op::logistic_grad, op::tanh_grad};
const char* op_name(op o) {
  static const char* names[] = {"exp",      "log", "tanh", "logistic",  "sin",  "cos",           "pow",      "log1p",
                                "softplus", "erf", "gelu", "gelu_tanh", "silu", "logistic_grad", "tanh_grad"};
  return names[static_cast<int>(o)];
}

// Operands where each function does its work: exp/logistic [-10, 10], log (0, 100], tanh [-5, 5],
// sin/cos [-10, 10]; pow: x in (0, 10], y (the second array) in [-4, 4]; log1p (0, 100]; the
// activations, erf and the gradients [-5, 5].
std::vector<float> operands_for(op o, int which = 0) {
  std::mt19937 rng(7 + which);
  if (o >= op::softplus) {
    std::uniform_real_distribution<float> u(-5.0f, 5.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = u(rng);
    return v;
  }
  const bool positive = o == op::log || o == op::log1p || (o == op::pow && which == 0);
  std::uniform_real_distribution<float> u(positive ? 1e-3f : -1.0f, 1.0f);
  std::vector<float> v(n);
  const float scale = o == op::log || o == op::log1p  ? 100.0f
                      : o == op::tanh || o == op::pow ? (which ? 4.0f : 10.0f)
                                                      : 10.0f;
  for (auto& x : v) x = u(rng) * scale;
  return v;
}

template <class T>
T apply(op o, T x, T y) {
  switch (o) {
    case op::exp: return fl::exp(x);
    case op::log: return fl::log(x);
    case op::tanh: return fl::tanh(x);
    case op::sin: return fl::sin(x);
    case op::cos: return fl::cos(x);
    case op::pow: return fl::pow(x, y);
    case op::log1p: return fl::log1p(x);
    case op::softplus: return fl::softplus(x);
    case op::erf: return fl::erf(x);
    case op::gelu: return fl::gelu(x);
    case op::gelu_tanh: return fl::gelu_tanh(x);
    case op::silu: return fl::silu(x);
    case op::logistic_grad: return fl::logistic_grad(x);
    case op::tanh_grad: return fl::tanh_grad(x);
    default: return fl::logistic(x);
  }
}
float apply_float(op o, float x, float y) {
  switch (o) {
    case op::exp: return std::exp(x);
    case op::log: return std::log(x);
    case op::tanh: return std::tanh(x);
    case op::sin: return std::sin(x);
    case op::cos: return std::cos(x);
    case op::pow: return std::pow(x, y);
    case op::log1p: return std::log1p(x);
    case op::softplus: return std::log1p(std::exp(x));
    case op::erf: return std::erf(x);
    case op::gelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678f));
    case op::gelu_tanh: return 0.5f * x * (1.0f + std::tanh(0.79788456f * (x + 0.044715f * x * x * x)));
    case op::silu: return x / (1.0f + std::exp(-x));
    case op::logistic_grad: {
      const float s = 1.0f / (1.0f + std::exp(-x));
      return s * (1.0f - s);
    }
    case op::tanh_grad: {
      const float t = std::tanh(x);
      return 1.0f - t * t;
    }
    default: return 1.0f / (1.0f + std::exp(-x));
  }
}

template <class T>
void bm_ours(benchmark::State& state, op o) {
  std::vector<T> in, in2, out(n);
  for (float x : operands_for(o)) in.push_back(T(x));  // the same values, rounded to T
  for (float x : operands_for(o, 1)) in2.push_back(T(x));
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = apply(o, in[i], in2[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

template <class T>
void bm_float(benchmark::State& state, op o) {
  std::vector<float> in, in2, out(n);
  for (float x : operands_for(o)) in.push_back(static_cast<float>(T(x)));  // same operand values
  for (float x : operands_for(o, 1)) in2.push_back(static_cast<float>(T(x)));
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = apply_float(o, in[i], in2[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

// The array forms (exp, log, tanh, logistic, sin, cos over views; pow over two): the same
// operands, one call per array.
template <class T>
void bm_array(benchmark::State& state, op o) {
  std::vector<T> in, in2, out(n);
  for (float x : operands_for(o)) in.push_back(T(x));
  for (float x : operands_for(o, 1)) in2.push_back(T(x));
  const fl::array_view<const T> x(in.data(), n), x2(in2.data(), n);
  const fl::array_view<T> y(out.data(), n);
  for (auto _ : state) {
    fl::status st;
    switch (o) {
      case op::exp: st = fl::exp(x, y); break;
      case op::log: st = fl::log(x, y); break;
      case op::tanh: st = fl::tanh(x, y); break;
      case op::sin: st = fl::sin(x, y); break;
      case op::cos: st = fl::cos(x, y); break;
      case op::pow: st = fl::pow(x, x2, y); break;
      default: st = fl::logistic(x, y); break;
    }
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
constexpr op array_ops[] = {op::exp, op::log, op::tanh, op::logistic, op::sin, op::cos, op::pow};

class collecting_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> mops;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) mops[r.run_name.function_name] = it->second.value / 1e6;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

template <class T>
void register_format(const char* name) {
  for (op o : all_ops) {
    benchmark::RegisterBenchmark((std::string(name) + "/" + op_name(o)).c_str(), bm_ours<T>, o);
    benchmark::RegisterBenchmark((std::string("float_on_") + name + "/" + op_name(o)).c_str(), bm_float<T>, o);
  }
  for (op o : array_ops)
    benchmark::RegisterBenchmark((std::string("array_") + name + "/" + op_name(o)).c_str(), bm_array<T>, o);
}

}  // namespace

int main(int argc, char** argv) {
  register_format<fl::binary16>("binary16");
  register_format<fl::bfloat16>("bfloat16");
  register_format<fl::binary32>("binary32");
  benchmark::Initialize(&argc, argv);
  collecting_reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  std::printf("\nmillion calls/s; ratio = std on float / floatlab (how many times slower), same run\n");
  std::printf("%-9s %-13s %10s %10s %8s\n", "format", "function", "floatlab", "std float", "ratio");
  for (const char* f : {"binary16", "bfloat16", "binary32"})
    for (op o : all_ops) {
      const double ours = rep.mops[std::string(f) + "/" + op_name(o)];
      const double peer = rep.mops[std::string("float_on_") + f + "/" + op_name(o)];
      if (ours > 0) std::printf("%-9s %-13s %10.2f %10.2f %8.1f\n", f, op_name(o), ours, peer, peer / ours);
    }
  std::printf("\narray forms f(x_view, y_view), same operands; ratio = std on float (scalar loop) / array form\n");
  std::printf("%-9s %-13s %10s %10s %8s\n", "format", "function", "array", "std float", "ratio");
  for (const char* f : {"binary16", "bfloat16", "binary32"})
    for (op o : array_ops) {
      const double ours = rep.mops[std::string("array_") + f + "/" + op_name(o)];
      const double peer = rep.mops[std::string("float_on_") + f + "/" + op_name(o)];
      if (ours > 0) std::printf("%-9s %-13s %10.2f %10.2f %8.1f\n", f, op_name(o), ours, peer, peer / ours);
    }
  return 0;
}
