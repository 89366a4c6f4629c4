// tools/accuracy/train.cpp: `floatlab-accuracy train`.
#include "train.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <thread>

#include "checkpoint.hpp"
#include "common.hpp"
#include "muppet.hpp"

namespace flacc {
namespace {

// "FORMAT" or "FORMAT:MODE" (mode default nearest).
bool make_role(const std::string& spec, nn::role& r, std::vector<std::unique_ptr<any_format>>& storage, std::string& error) {
  if (spec.empty() || spec == "fp32" || spec == "none") {
    r = {};
    return true;
  }
  std::string fname = spec, mname = "nearest";
  if (auto c = spec.rfind(':'); c != std::string::npos) {
    fname = spec.substr(0, c);
    mname = spec.substr(c + 1);
  }
  mode_spec m;
  if (!parse_mode(mname, m, error)) return false;
  auto f = std::make_unique<any_format>(make_format(fname, error));
  if (!*f) return false;
  if (f->scalar && !f->scalar->supports(m)) {
    error = fname + " supports round-to-nearest only";
    return false;
  }
  r.fmt = f.get();
  r.mode = m;
  storage.push_back(std::move(f));
  return true;
}

nn::precision level(const std::string& name, const std::string& w, const std::string& a, const std::string& e,
                    const std::string& g, nn::gemm_kind k, std::vector<std::unique_ptr<any_format>>& storage) {
  nn::precision p;
  p.name = name;
  std::string err;
  make_role(w, p.w, storage, err);
  make_role(a, p.a, storage, err);
  make_role(e, p.e, storage, err);
  make_role(g, p.g, storage, err);
  p.gemm = k;
  return p;
}

nn::precision bfp_level(int wl, std::vector<std::unique_ptr<any_format>>& storage) {
  // MuPPET 3.2.1: one scale per weight and per feature-map tensor, stochastic rounding,
  // exact (wide) integer accumulation.
  const std::string f = "bfp" + std::to_string(wl) + ":stochastic<16>";
  return level("bfp" + std::to_string(wl), f, f, f, f, nn::gemm_kind::exact, storage);
}

}  // namespace

bool make_scheme(const std::string& name, int epochs, const std::vector<int>& schedule_epochs, scheme& s,
                 std::vector<std::unique_ptr<any_format>>& storage, std::string& error) {
  s = {};
  s.name = name;
  using K = nn::gemm_kind;
  if (name == "fp32") {
    s.description = "FP32 everywhere (the baseline)";
    s.levels = {nn::precision{}};
  } else if (name == "bf16" || name == "bfloat16") {
    s.description = "weights, activations, errors, gradients in bfloat16 (nearest); FP32 GEMM accumulation";
    s.levels = {level("bf16", "bfloat16", "bfloat16", "bfloat16", "bfloat16", K::fp32, storage)};
  } else if (name == "fp16" || name == "binary16") {
    s.description = "binary16 (nearest) everywhere, dynamic loss scaling (start 2^12, halve on overflow, double "
                    "after 500 good steps); FP32 GEMM accumulation";
    s.levels = {level("fp16", "binary16", "binary16", "binary16", "binary16", K::fp32, storage)};
    s.loss_scaling = true;
  } else if (name == "fp8") {
    s.description = "FP8: weights and activations e4m3 (nearest), errors and gradients e5m2 (stochastic<16>), "
                    "dynamic loss scaling; FP32 GEMM accumulation";
    s.levels = {level("fp8", "e4m3", "e4m3", "e5m2:stochastic<16>", "e5m2:stochastic<16>", K::fp32, storage)};
    s.loss_scaling = true;
  } else if (name == "bfp8" || name == "bfp12" || name == "bfp14" || name == "bfp16") {
    const int wl = std::stoi(name.substr(3));
    s.description = "block fixed point " + std::to_string(wl) +
                    "-bit throughout (one scale per tensor, stochastic rounding, exact integer accumulation)";
    s.levels = {bfp_level(wl, storage)};
  } else if (name == "muppet" || name == "schedule") {
    for (int wl : {8, 12, 14, 16}) s.levels.push_back(bfp_level(wl, storage));
    s.levels.push_back(nn::precision{});
    if (name == "muppet") {
      s.kind = scheme::muppet;
      s.description = "MuPPET: bfp8 -> bfp12 -> bfp14 -> bfp16 -> FP32, switched on the inter-epoch gradient "
                      "diversity (eq. 6-7)";
    } else {
      s.kind = scheme::schedule;
      s.switch_epochs = schedule_epochs;
      if (s.switch_epochs.empty())
        for (int l = 1; l < 5; ++l) s.switch_epochs.push_back(1 + static_cast<int>(std::lround(double(l) * epochs / 5.0)));
      s.description = "fixed low-to-high schedule bfp8 -> bfp12 -> bfp14 -> bfp16 -> FP32, switching at epochs";
      for (int e : s.switch_epochs) s.description += " " + std::to_string(e);
    }
  } else if (name == "mxfp4") {
    s.description = "MXFP4 (E2M1 elements, one E8M0 scale per 32 consecutive values): forward nearest, errors and "
                    "gradients stochastic<16>; FP32 master weights and GEMM accumulation";
    s.levels = {level("mxfp4", "mxfp4", "mxfp4", "mxfp4:stochastic<16>", "mxfp4:stochastic<16>", K::fp32, storage)};
  } else if (name == "nvfp4") {
    s.description = "NVFP4 (E2M1 elements, an E4M3 scale per 16 consecutive values, an FP32 scale per tensor; "
                    "tools/accuracy/nvfp4.hpp): forward nearest, errors and gradients stochastic<16>; FP32 master "
                    "weights and GEMM accumulation";
    s.levels = {level("nvfp4", "nvfp4", "nvfp4", "nvfp4:stochastic<16>", "nvfp4:stochastic<16>", K::fp32, storage)};
  } else {
    error = "unknown scheme '" + name + "' (fp32, bf16, fp16, fp8, bfp8, bfp12, bfp14, bfp16, muppet, schedule, mxfp4, "
            "nvfp4, custom)";
    return false;
  }
  return true;
}

namespace {

struct config {
  std::string model = "mlp";
  std::vector<std::size_t> hidden{256};
  std::size_t c1 = 8, c2 = 16;  // CNN channels
  std::size_t fc = 0;           // CNN hidden linear layer (0: none)
  int epochs = 5;
  std::size_t batch = 64, train_n = 0, test_n = 0;
  double lr = 0.01, momentum = 0.9, weight_decay = 0;
  bool cosine = false;  // --lr-schedule cosine
  std::string checkpoint;  // --checkpoint DIR ("" none)
  bool resume = false;     // --resume
  int stop_after = 0;      // --stop-after N epochs in this call (0: no limit)
  double time_limit = 0;   // --time-limit S: no epoch begins after S seconds (0: none)
  muppet_params mp;
  // The learning rate of epoch ep (0-based): constant, or cosine decay from lr towards 0 over
  // the run, one value per epoch (Loshchilov and Hutter, SGDR, ICLR 2017, without restarts).
  double lr_at(int ep) const {
    return cosine ? lr * 0.5 * (1.0 + std::cos(3.14159265358979323846 * double(ep) / double(epochs))) : lr;
  }
};

struct epoch_row {
  std::string scheme, level;
  std::uint64_t seed = 0;
  int epoch = 0;
  double train_loss = 0, train_acc = 0, test_loss = 0, test_acc = 0, seconds = 0, loss_scale = 1;
  std::size_t skipped = 0, non_finite = 0;
  muppet_epoch mu;
  bool has_mu = false;
  std::uint64_t digest = 0;  // FNV-1a of the master weights and momenta after the epoch
};

// FNV-1a (64-bit) over the bytes of every parameter's value and velocity: two runs that agree
// on it trained bit for bit alike (a check of reproducibility across machines and builds).
std::uint64_t weights_digest(nn::network<float>& net) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto add = [&](const std::vector<float>& v) {
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    for (std::size_t i = 0; i < v.size() * sizeof(float); ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  };
  for (auto* q : net.params()) {
    add(q->value);
    add(q->velocity);
  }
  return h;
}

const char* const epoch_csv_header =
    "model,scheme,seed,epoch,precision,train_loss,train_acc,test_loss,test_acc,seconds,loss_scale,skipped_steps,"
    "non_finite_tensors,muppet_diversity,muppet_ratio,muppet_threshold,muppet_violations,muppet_switch,weights_fnv1a\n";

void write_epoch_row(std::ostream& f, const std::string& model, const epoch_row& r) {
  f << model << "," << r.scheme << "," << r.seed << "," << r.epoch + 1 << "," << r.level << "," << fmt_g(r.train_loss) << ","
    << fmt_g(r.train_acc) << "," << fmt_g(r.test_loss) << "," << fmt_g(r.test_acc) << "," << fmt_g(r.seconds, 4) << ","
    << fmt_g(r.loss_scale) << "," << r.skipped << "," << r.non_finite << ",";
  if (r.has_mu) {
    f << (r.mu.has_diversity ? fmt_g(r.mu.diversity) : "") << "," << (r.mu.has_ratio ? fmt_g(r.mu.ratio) : "") << ","
      << fmt_g(r.mu.threshold) << "," << r.mu.violations << "," << (r.mu.switched ? 1 : 0) << ",";
  } else {
    f << ",,,,,";
  }
  char d[20];
  std::snprintf(d, sizeof d, "%016llx", static_cast<unsigned long long>(r.digest));
  f << d << "\n";
}

double evaluate(nn::network<float>& net, const dataset& d, std::size_t n, const nn::precision& p, std::uint64_t seed,
                double* loss_out) {
  nn::context ctx;
  ctx.seed = seed ^ 0xE7A1u;
  std::size_t correct = 0;
  double loss = 0;
  std::vector<float> dl;
  const std::size_t B = 250, px = d.rows * d.cols;
  for (std::size_t i = 0; i < n; i += B) {
    const std::size_t b = std::min(B, n - i);
    const auto& logits = net.forward(d.images.data() + i * px, b, p, ctx);
    loss += nn::softmax_xent(logits, d.labels.data() + i, b, 10, dl, 1.0, &correct) * double(b);
    ++ctx.step;
  }
  *loss_out = loss / double(n);
  return double(correct) / double(n);
}

// Everything a run carries from one epoch to the next: what --checkpoint saves after every
// epoch and --resume restores, so that E epochs in one go and E1 + a resumed E - E1 give the
// same bits (tests/test_accuracy_train.cpp).
struct run_state {
  nn::network<float> net;
  nn::context ctx;
  std::mt19937_64 shuffle;
  std::vector<std::size_t> order;  // the training images' order, shuffled again every epoch
  std::size_t lvl = 0;             // precision level (MuPPET, schedule)
  double scale = 1;                // loss scale
  std::size_t good = 0;            // finite steps since the last change of the loss scale
  muppet_policy policy;
  std::vector<epoch_row> rows;     // the epochs done
};

run_state fresh_state(const scheme& s, std::uint64_t seed, const config& c, const dataset& train) {
  run_state st;
  st.net = c.model == "cnn" ? nn::network<float>::cnn(train.rows, c.c1, c.c2, seed, c.fc)
                            : nn::network<float>::mlp(train.rows * train.cols, c.hidden, seed);
  st.ctx.seed = seed * 0x9E3779B97F4A7C15ull + 17;
  st.shuffle.seed(seed + 101);
  st.order.resize(c.train_n);
  std::iota(st.order.begin(), st.order.end(), 0);
  st.policy = muppet_policy(c.mp);
  st.scale = s.loss_scaling ? 4096.0 : 1.0;
  return st;
}

// What a checkpoint must match to be resumed: every option that changes the arithmetic.
std::string fingerprint(const scheme& s, std::uint64_t seed, const config& c) {
  std::ostringstream f;
  f.precision(17);
  f << c.model << " c" << c.c1 << "," << c.c2 << " fc" << c.fc << " h";
  for (auto h : c.hidden) f << h << ",";
  f << " e" << c.epochs << " b" << c.batch << " lr" << c.lr << (c.cosine ? " cosine" : "") << " m" << c.momentum << " wd"
    << c.weight_decay << " n" << c.train_n << "," << c.test_n << " mu" << c.mp.r << "," << c.mp.gamma << "," << c.mp.lambda
    << "," << c.mp.alpha << "," << c.mp.beta << " | " << s.name << ": " << s.description << " | seed " << seed;
  return f.str();
}

std::filesystem::path checkpoint_path(const config& c, const scheme& s, std::uint64_t seed) {
  return std::filesystem::path(c.checkpoint) / (s.name + "-s" + std::to_string(seed) + ".ckpt");
}

void put_row(ckpt::writer& w, const epoch_row& r) {
  w.put(r.scheme), w.put(r.level), w.put(r.seed), w.put(r.epoch);
  w.put(r.train_loss), w.put(r.train_acc), w.put(r.test_loss), w.put(r.test_acc), w.put(r.seconds), w.put(r.loss_scale);
  w.put(std::uint64_t(r.skipped)), w.put(std::uint64_t(r.non_finite)), w.put(r.mu), w.put(r.has_mu), w.put(r.digest);
}
bool get_row(ckpt::reader& rd, epoch_row& r) {
  std::uint64_t skipped = 0, non_finite = 0;
  const bool ok = rd.get(r.scheme) && rd.get(r.level) && rd.get(r.seed) && rd.get(r.epoch) && rd.get(r.train_loss) &&
                  rd.get(r.train_acc) && rd.get(r.test_loss) && rd.get(r.test_acc) && rd.get(r.seconds) &&
                  rd.get(r.loss_scale) && rd.get(skipped) && rd.get(non_finite) && rd.get(r.mu) && rd.get(r.has_mu) &&
                  rd.get(r.digest);
  r.skipped = skipped, r.non_finite = non_finite;
  return ok;
}

bool save_state(run_state& st, const std::string& print, const std::filesystem::path& path, std::string& err) {
  ckpt::writer w;
  w.put(print);
  for (auto* q : st.net.params()) w.put(q->value), w.put(q->velocity);
  w.put(st.ctx.step), w.put(std::uint64_t(st.ctx.non_finite));
  std::ostringstream rng;
  rng << st.shuffle;
  w.put(rng.str());
  w.put(std::vector<std::uint32_t>(st.order.begin(), st.order.end()));  // < 2^32 images
  w.put(std::uint64_t(st.lvl)), w.put(st.scale), w.put(std::uint64_t(st.good));
  const auto mu = st.policy.saved();
  w.put(std::uint64_t(mu.history.size()));
  for (const auto& epoch : mu.history) {
    w.put(std::uint64_t(epoch.size()));
    for (const auto& layer : epoch) w.put(layer);
  }
  w.put(mu.diversities), w.put(mu.violations);
  w.put(std::uint64_t(st.rows.size()));
  for (const auto& r : st.rows) put_row(w, r);
  return w.save(path, err);
}

// st holds the fresh state of the same run (shapes); false with the reason in err.
bool load_state(run_state& st, const std::string& print, const std::filesystem::path& path, std::string& err) {
  ckpt::reader rd;
  if (!rd.open(path, err)) return false;
  auto bad = [&](const std::string& why) {
    err = path.string() + ": " + (rd.truncated() ? "truncated or corrupt" : why);
    return false;
  };
  std::string saved_print;
  if (!rd.get(saved_print)) return bad("truncated");
  if (saved_print != print)
    return bad("made with other options (" + saved_print + "), not resumable with these (" + print + ")");
  for (auto* q : st.net.params()) {
    const std::size_t n = q->value.size();
    if (!rd.get(q->value) || !rd.get(q->velocity) || q->value.size() != n || q->velocity.size() != n)
      return bad("parameter shapes differ");
  }
  std::uint64_t non_finite = 0, lvl = 0, good = 0, epochs = 0, layers = 0;
  std::string rng;
  std::vector<std::uint32_t> order;
  if (!rd.get(st.ctx.step) || !rd.get(non_finite) || !rd.get(rng) || !rd.get(order) || !rd.get(lvl) || !rd.get(st.scale) ||
      !rd.get(good) || !rd.get(epochs))
    return bad("truncated");
  if (order.size() != st.order.size()) return bad("the training set size differs");
  std::istringstream in(rng);
  in >> st.shuffle;
  if (!in) return bad("bad shuffle state");
  st.ctx.non_finite = non_finite, st.lvl = lvl, st.good = good;
  st.order.assign(order.begin(), order.end());
  muppet_policy::state mu;
  mu.history.resize(epochs);
  for (auto& epoch : mu.history) {
    if (!rd.get(layers) || layers > 1000) return bad("truncated");
    epoch.resize(layers);
    for (auto& layer : epoch)
      if (!rd.get(layer)) return bad("truncated");
  }
  std::uint64_t nrows = 0;
  if (!rd.get(mu.diversities) || !rd.get(mu.violations) || !rd.get(nrows) || nrows > 100000) return bad("truncated");
  st.policy.restore(std::move(mu));
  st.rows.resize(nrows);
  for (auto& r : st.rows)
    if (!get_row(rd, r)) return bad("truncated");
  if (!rd.at_end()) return bad("trailing bytes");
  return true;
}

// Trains st from its next epoch to c.epochs, or fewer: --stop-after epochs in this call, or
// none begun after --time-limit (from `start`). With --checkpoint, saves st after each epoch.
void run_one(run_state& st, const scheme& s, std::uint64_t seed, const config& c, const dataset& train,
             const dataset& test, std::chrono::steady_clock::time_point start, const std::function<void()>& tick,
             const std::function<void(const epoch_row&)>& epoch_done, std::string& error) {
  const std::size_t px = train.rows * train.cols;
  std::vector<float> x, dl;
  std::vector<std::uint8_t> y;
  const std::string print = c.checkpoint.empty() ? "" : fingerprint(s, seed, c);
  nn::network<float>& net = st.net;
  nn::context& ctx = st.ctx;
  std::size_t& lvl = st.lvl;
  double& scale = st.scale;
  int trained = 0;
  for (int ep = int(st.rows.size()); ep < c.epochs; ++ep) {
    if (c.stop_after > 0 && trained >= c.stop_after) break;
    if (c.time_limit > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= c.time_limit)
      break;
    ++trained;
    if (s.kind == scheme::schedule) {
      lvl = 0;
      for (int e : s.switch_epochs)  // 1-based epochs, as everything the user sees
        if (ep + 1 >= e) ++lvl;
      lvl = std::min(lvl, s.levels.size() - 1);
    }
    const nn::precision& p = s.levels[lvl];
    const double lr = c.lr_at(ep);
    const auto t0 = std::chrono::steady_clock::now();
    std::shuffle(st.order.begin(), st.order.end(), st.shuffle);
    double loss_sum = 0;
    std::size_t correct = 0, skipped = 0, seen = 0;
    const std::size_t nf0 = ctx.non_finite;
    for (std::size_t i = 0; i < c.train_n; i += c.batch) {
      const std::size_t b = std::min(c.batch, c.train_n - i);
      x.resize(b * px);
      y.resize(b);
      for (std::size_t k = 0; k < b; ++k) {
        std::copy_n(train.images.data() + st.order[i + k] * px, px, x.data() + k * px);
        y[k] = train.labels[st.order[i + k]];
      }
      const auto& logits = net.forward(x.data(), b, p, ctx);
      const double loss = nn::softmax_xent(logits, y.data(), b, 10, dl, scale, &correct);
      net.backward(dl, b, p, ctx);
      const bool ok = std::isfinite(loss) && net.sgd_step(lr, c.momentum, c.weight_decay, 1.0 / scale);
      if (!ok) ++skipped;
      if (s.loss_scaling) {
        if (!ok) {
          scale = std::max(1.0, scale / 2);
          st.good = 0;
        } else if (++st.good % 500 == 0) {
          scale = std::min(scale * 2, 16777216.0);
        }
      }
      if (std::isfinite(loss)) loss_sum += loss * double(b);
      seen += b;
      ++ctx.step;
      tick();
    }
    epoch_row r;
    r.scheme = s.name;
    r.level = p.name;
    r.seed = seed;
    r.epoch = ep;
    r.train_loss = loss_sum / double(seen);
    r.train_acc = double(correct) / double(seen);
    r.test_acc = evaluate(net, test, c.test_n, p, seed + ep, &r.test_loss);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.loss_scale = scale;
    r.skipped = skipped;
    r.non_finite = ctx.non_finite - nf0;
    r.digest = weights_digest(net);
    if (s.kind == scheme::muppet) {
      std::vector<std::vector<float>> grads;
      for (auto* w : net.weights()) grads.push_back(w->grad);  // the epoch's last minibatch gradient
      r.mu = st.policy.end_epoch(ep, grads);
      r.has_mu = true;
      if (r.mu.switched && lvl + 1 < s.levels.size()) ++lvl;
      else if (r.mu.switched) r.mu.switched = false;  // already at FP32: nothing to switch to
    }
    st.rows.push_back(r);
    epoch_done(r);
    if (!c.checkpoint.empty() && !save_state(st, print, checkpoint_path(c, s, seed), error)) return;
  }
}

double mean(const std::vector<double>& v) { return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

}  // namespace

int train_main(int argc, char** argv) {
  options o("train",
            "Trains an MLP or a small CNN on Fashion-MNIST in several precision schemes (the mixed-precision flow\n"
            "of MPTorch: FP32 master weights, forward and backward rounded to chosen formats, FP32 SGD update),\n"
            "and writes train_epochs.csv (every epoch), train_final.csv (final accuracy per scheme, beside FP32),\n"
            "plots of the accuracy curves and of MuPPET's switching, and summary.md.");
  o.add("schemes", "LIST", "fp32,bf16,fp16,fp8,bfp8,muppet,schedule",
        "schemes: fp32; bf16 (bfloat16 everywhere); fp16 (binary16 + dynamic loss scaling); fp8 (e4m3 forward, e5m2 "
        "stochastic backward, loss scaling); bfp8, bfp12, bfp14, bfp16 (block fixed point, one scale per tensor, "
        "stochastic rounding, exact accumulation); muppet (bfp8->12->14->16->FP32 switched by MuPPET's policy); "
        "schedule (the same levels at fixed epochs, see --schedule); mxfp4 (OCP MXFP4 forward and backward, stochastic "
        "gradients); nvfp4 (NVFP4: E2M1, E4M3 scales per 16, FP32 tensor scale; stochastic gradients); custom (the formats given by --w --a --e --g --gemm)");
  o.add("model", "mlp|cnn", "mlp",
        "mlp: 784 -> hidden (ReLU) -> 10; cnn: conv 5x5 (C1 ch, pad 2) ReLU maxpool2, conv 5x5 (C2 ch, pad 2) ReLU maxpool2, "
        "[linear -> F, ReLU,] linear -> 10 (C1, C2: --channels; F: --fc)");
  o.add("hidden", "LIST", "256", "hidden layer widths of the MLP");
  o.add("channels", "C1,C2", "8,16", "CNN: output channels of its two convolutions (the cost grows about as C1 * C2; "
                                     "the data set's 91.6% benchmark network is wider)");
  o.add("fc", "F", "0", "CNN: width of a hidden linear layer (ReLU) before the last one; 0: none (e.g. --channels 32,64 "
                       "--fc 1024 is the conv32-conv64-fc1024 layout of the data set's benchmark CNN, without dropout)");
  o.add("epochs", "N", "5", "epochs per run (MuPPET: a level lasts at least r + gamma + 2 = 7 epochs, and the decaying "
                              "threshold lets the first switch come later, after epochs 13-17 on Fashion-MNIST subsets here: "
                              "30 or more epochs to see the switches)");
  o.add("batch", "N", "64", "minibatch size");
  o.add("lr", "X", "0.01", "SGD learning rate (of the first epoch with --lr-schedule cosine)");
  o.add("lr-schedule", "constant|cosine", "constant",
        "constant: --lr in every epoch; cosine: lr * (1 + cos(pi * e / epochs)) / 2 in epoch e = 0, 1, ... (decays "
        "towards 0 by the last epoch: converges in fewer epochs)");
  o.add("momentum", "X", "0.9", "SGD momentum");
  o.add("checkpoint", "DIR", "", "after every epoch, save each run's whole state (weights, momenta, data order, random "
                                 "streams' position, loss scale, MuPPET's memory, the epochs' rows) to DIR/<scheme>-s<seed>.ckpt");
  o.flag("resume", "with --checkpoint: continue each run from its checkpoint where one exists (same options, checked), "
                   "with the same bits as an uninterrupted run; runs without one start afresh");
  o.add("stop-after", "N", "0", "train at most N epochs of each run in this call (0: all); with --checkpoint, --resume "
                                "continues later");
  o.add("time-limit", "S", "0", "begin no epoch after S seconds from the start (0: no limit); with --checkpoint, "
                                "--resume continues later");
  o.add("weight-decay", "X", "0", "L2 weight decay");
  o.add("train-subset", "N", "0", "use the first N training images (0: all 60000)");
  o.add("test-subset", "N", "0", "use the first N test images (0: all 10000)");
  o.add("seeds", "LIST", "1", "seeds: one run per scheme and seed (initialization, shuffling, rounding words)");
  o.add("data", "DIR", default_fashion_mnist_dir, "folder with train-images-idx3-ubyte[.gz] and the three other IDX files");
  o.add("threads", "N", std::to_string(std::max(1u, std::thread::hardware_concurrency())),
        "threads in all: min(N, runs) runs (scheme x seed) train in parallel, and each run's GEMMs and convolutions "
        "use N / (runs in parallel) threads; no result depends on N");
  o.add("backend", "auto|fast|tensor|cuda", "auto",
        "GEMM and convolution kernels: fast (the tool's float/double kernels, proven bit-identical to floatlab's tensor "
        "API in tests/test_accuracy_ops.cpp), tensor (floatlab::tensor::gemm / conv2d_* themselves: the same "
        "numbers; on this version about 90x slower for FP32), cuda (floatlab's CUDA kernels for the FP32-recipe "
        "calls, the same numbers again; needs a build with CUDA and a GPU), auto (cuda when this build has it and a "
        "GPU is found, else fast)");
  o.add("schedule", "LIST", "", "schedule scheme: the epochs (counted from 1) at which bfp12, bfp14, bfp16 and FP32 "
                                "begin (default: the run split into five equal parts)");
  o.add("muppet-r", "N", "3", "MuPPET resolution r (epochs in the diversity window)");
  o.add("muppet-gamma", "N", "2", "MuPPET: switch when the threshold is violated more than gamma times");
  o.add("muppet-lambda", "X", "0.1", "MuPPET threshold decay lambda in T = alpha + beta exp(-lambda j)");
  o.add("muppet-alpha", "X", "1", "MuPPET threshold alpha");
  o.add("muppet-beta", "X", "1.5", "MuPPET threshold beta");
  o.add("w", "FMT[:MODE]", "", "custom scheme: weights' format and rounding mode, e.g. e4m3 or bfp8:stochastic<16>");
  o.add("a", "FMT[:MODE]", "", "custom scheme: activations (layer inputs)");
  o.add("e", "FMT[:MODE]", "", "custom scheme: errors (gradients of layer outputs)");
  o.add("g", "FMT[:MODE]", "", "custom scheme: weight gradients");
  o.add("gemm", "fp32|exact|PROD:ACC[:MODE]", "fp32",
        "custom scheme GEMMs: fp32 (products and sums in binary32), exact (exact, one rounding to binary32), or "
        "products rounded to PROD and sums to ACC (e.g. bfloat16:bfloat16:nearest; slow, scalar loops)");
  o.flag("loss-scaling", "custom scheme: dynamic loss scaling");
  o.add("out", "DIR", "", "output folder (default ./floatlab-accuracy-out/<UTC time>-train)");
  o.flag("no-plots", "write CSV and summary.md only");
  if (int r = o.parse(argc, argv, 2)) return r == 1 ? 0 : 2;

  config c;
  std::string err;
  auto fail = [&](const std::string& m) {
    std::fprintf(stderr, "floatlab-accuracy train: %s\n", m.c_str());
    return 2;
  };
  {
    tops::backend b = tops::backend::fast;
    if (!tops::select_backend(o.str("backend"), b, err)) return fail(err);
    tops::set_backend(b);
  }
  c.model = o.str("model");
  if (c.model != "mlp" && c.model != "cnn") return fail("--model must be mlp or cnn");
  {
    const auto ch = o.list("channels");
    if (ch.size() != 2 || !parse_count(ch[0], c.c1) || !parse_count(ch[1], c.c2) || c.c1 > 1024 || c.c2 > 1024)
      return fail("--channels must be two positive channel counts, e.g. 8,16");
    if (o.str("fc") != "0" && (!parse_count(o.str("fc"), c.fc) || c.fc > 100000))
      return fail("--fc must be 0 (no hidden layer) or a positive width up to 100000");
  }
  c.hidden.clear();
  for (const auto& h : o.list("hidden")) {
    std::size_t v;
    if (!parse_count(h, v) || v > 100000) return fail("--hidden: '" + h + "' is not a positive width");
    c.hidden.push_back(v);
  }
  std::size_t v;
  if (!parse_count(o.str("epochs"), v) || v > 10000) return fail("--epochs must be a positive integer");
  c.epochs = static_cast<int>(v);
  if (!parse_count(o.str("batch"), c.batch) || c.batch > 60000) return fail("--batch must be a positive integer");
  c.lr = o.num("lr");
  c.momentum = o.num("momentum");
  c.weight_decay = o.num("weight-decay");
  c.checkpoint = o.str("checkpoint");
  c.resume = o.on("resume");
  if (c.resume && c.checkpoint.empty()) return fail("--resume needs --checkpoint DIR");
  c.stop_after = static_cast<int>(o.integer("stop-after"));
  c.time_limit = o.num("time-limit");
  if (c.stop_after < 0 || !(c.time_limit >= 0)) return fail("--stop-after and --time-limit must be >= 0");
  if (o.str("lr-schedule") == "cosine") c.cosine = true;
  else if (o.str("lr-schedule") != "constant") return fail("--lr-schedule must be constant or cosine");
  if (!(c.lr > 0) || !(c.momentum >= 0 && c.momentum < 1)) return fail("--lr must be > 0 and --momentum in [0, 1)");
  c.train_n = static_cast<std::size_t>(std::max(0L, o.integer("train-subset")));
  c.test_n = static_cast<std::size_t>(std::max(0L, o.integer("test-subset")));
  c.mp.r = static_cast<int>(o.integer("muppet-r"));
  c.mp.gamma = static_cast<int>(o.integer("muppet-gamma"));
  c.mp.lambda = o.num("muppet-lambda");
  c.mp.alpha = o.num("muppet-alpha");
  c.mp.beta = o.num("muppet-beta");
  if (c.mp.r < 1 || c.mp.gamma < 0) return fail("--muppet-r must be >= 1 and --muppet-gamma >= 0");
  std::vector<std::uint64_t> seeds;
  for (const auto& s : o.list("seeds")) {
    std::size_t sv;
    if (!parse_count(s, sv)) return fail("--seeds: '" + s + "' is not a positive integer");
    seeds.push_back(sv);
  }
  std::vector<int> sched;
  for (const auto& s : o.list("schedule")) {
    std::size_t e;
    if (!parse_count(s, e)) return fail("--schedule: '" + s + "' is not a positive epoch");
    sched.push_back(static_cast<int>(e));
  }
  std::vector<std::unique_ptr<any_format>> storage;
  std::vector<scheme> schemes;
  for (const auto& name : o.list("schemes")) {
    scheme s;
    if (name == "custom") {
      s.name = "custom";
      nn::precision p;
      p.name = "custom";
      if (!make_role(o.str("w"), p.w, storage, err) || !make_role(o.str("a"), p.a, storage, err) ||
          !make_role(o.str("e"), p.e, storage, err) || !make_role(o.str("g"), p.g, storage, err))
        return fail(err);
      const std::string g = o.str("gemm");
      if (g == "fp32") p.gemm = nn::gemm_kind::fp32;
      else if (g == "exact") p.gemm = nn::gemm_kind::exact;
      else {
        const auto parts = [&] {
          std::vector<std::string> out;
          std::string cur;
          int depth = 0;
          for (char ch : g) {
            depth += ch == '<' ? 1 : ch == '>' ? -1 : 0;
            if (ch == ':' && depth == 0) {
              out.push_back(cur);
              cur.clear();
            } else cur += ch;
          }
          out.push_back(cur);
          return out;
        }();
        if (parts.size() < 2 || parts.size() > 3) return fail("--gemm: fp32, exact or PROD:ACC[:MODE]");
        nn::role pr, ac;
        const std::string mode = parts.size() == 3 ? ":" + parts[2] : "";
        if (!make_role(parts[0] + mode, pr, storage, err) || !make_role(parts[1] + mode, ac, storage, err)) return fail(err);
        if (!pr.fmt || !ac.fmt || !pr.fmt->scalar || !ac.fmt->scalar)
          return fail("--gemm PROD:ACC: both must be scalar formats (cfloat, fixed, expansion)");
        p.gemm = nn::gemm_kind::formats;
        p.prod = pr.fmt->scalar.get();
        p.acc = ac.fmt->scalar.get();
        p.prod_mode = pr.mode;
        p.acc_mode = ac.mode;
      }
      s.levels = {p};
      s.loss_scaling = o.on("loss-scaling");
      s.description = "custom: w " + o.str("w") + ", a " + o.str("a") + ", e " + o.str("e") + ", g " + o.str("g") +
                      ", gemm " + g + (s.loss_scaling ? ", loss scaling" : "");
    } else if (!make_scheme(name, c.epochs, sched, s, storage, err)) {
      return fail(err);
    }
    schemes.push_back(std::move(s));
  }
  if (schemes.empty()) return fail("--schemes is empty");

  dataset train, test;
  if (!load_fashion_mnist(o.str("data"), train, test, err)) return fail(err);
  if (c.train_n == 0 || c.train_n > train.count) c.train_n = train.count;
  if (c.test_n == 0 || c.test_n > test.count) c.test_n = test.count;
  if (c.model == "cnn" && (train.rows % 4 || train.cols != train.rows)) return fail("cnn needs square images, side divisible by 4");

  std::filesystem::path dir = make_run_dir(o.str("out"), "train", err);
  if (dir.empty()) return fail(err);
  std::printf("floatlab-accuracy train: %s, %zu schemes x %zu seeds, %d epochs on %zu training / %zu test images -> %s\n",
              c.model.c_str(), schemes.size(), seeds.size(), c.epochs, c.train_n, c.test_n, dir.string().c_str());
  std::fflush(stdout);

  struct job {
    std::size_t scheme;
    std::uint64_t seed;
  };
  std::vector<job> jobs;
  for (std::size_t s = 0; s < schemes.size(); ++s)
    for (auto sd : seeds) jobs.push_back({s, sd});
  const auto start = std::chrono::steady_clock::now();
  std::vector<run_state> states;
  states.reserve(jobs.size());
  if (!c.checkpoint.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(c.checkpoint, ec);
    if (ec) return fail("--checkpoint " + c.checkpoint + ": " + ec.message());
  }
  std::size_t resumed = 0, to_train = 0;
  for (const auto& jb : jobs) {
    states.push_back(fresh_state(schemes[jb.scheme], jb.seed, c, train));
    const auto path = c.checkpoint.empty() ? std::filesystem::path() : checkpoint_path(c, schemes[jb.scheme], jb.seed);
    if (c.resume && std::filesystem::exists(path)) {
      if (!load_state(states.back(), fingerprint(schemes[jb.scheme], jb.seed, c), path, err)) return fail(err);
      ++resumed;
    }
    std::size_t left = std::size_t(c.epochs) - std::min(std::size_t(c.epochs), states.back().rows.size());
    if (c.stop_after > 0) left = std::min(left, std::size_t(c.stop_after));
    to_train += left;
  }
  if (resumed) std::printf("resumed %zu of %zu runs from %s\n", resumed, jobs.size(), c.checkpoint.c_str());
  const std::size_t batches = (c.train_n + c.batch - 1) / c.batch;
  progress bar("train (minibatches)", double(std::max<std::size_t>(1, to_train * batches)));
  std::mutex mu;
  std::atomic<std::size_t> next{0}, done{0};
  std::vector<std::vector<epoch_row>> results(jobs.size());
  std::vector<std::string> errors(jobs.size());
  auto tick = [&] {
    const std::size_t d = ++done;
    if (d % 8 == 0) {
      std::lock_guard<std::mutex> lock(mu);
      bar.update(double(d));
    }
  };
  const unsigned threads = static_cast<unsigned>(std::max(1L, o.integer("threads")));
  const unsigned parallel_runs = static_cast<unsigned>(std::min<std::size_t>(threads, jobs.size()));
  tops::set_threads(static_cast<int>(std::max(1u, threads / std::max(1u, parallel_runs))));
  // Epochs as they finish (a long run can be read, or stopped, before its end).
  // train_epochs.partial.csv has train_epochs.csv's columns, one flushed row per finished
  // epoch: a run that is stopped (or times out) leaves its complete epochs there.
  std::ofstream live(dir / "train_epochs.partial.csv");
  live << epoch_csv_header;
  for (const auto& st : states)
    for (const auto& r : st.rows) write_epoch_row(live, c.model, r);  // resumed epochs
  live.flush();
  auto epoch_done = [&](const epoch_row& r) {
    std::lock_guard<std::mutex> lock(mu);
    write_epoch_row(live, c.model, r);
    live.flush();
  };
  {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < parallel_runs; ++t)
      pool.emplace_back([&] {
        for (;;) {
          const std::size_t j = next++;
          if (j >= jobs.size()) return;
          run_one(states[j], schemes[jobs[j].scheme], jobs[j].seed, c, train, test, start, tick, epoch_done, errors[j]);
          results[j] = std::move(states[j].rows);
          states[j] = run_state();  // its memory goes now
        }
      });
    for (auto& t : pool) t.join();
  }
  bar.finish();
  live.close();
  for (const auto& e : errors)
    if (!e.empty()) return std::fprintf(stderr, "floatlab-accuracy train: %s\n", e.c_str()), 1;
  std::size_t short_runs = 0;
  for (const auto& rs : results) short_runs += rs.size() < std::size_t(c.epochs);
  if (short_runs)
    std::printf("%zu of %zu runs stopped before epoch %d (--stop-after / --time-limit)%s\n", short_runs, results.size(),
                c.epochs, c.checkpoint.empty() ? "" : ": continue them with --resume");

  // ---- per-epoch CSV (then the partial file goes)
  {
    std::ofstream f(dir / "train_epochs.csv");
    f << epoch_csv_header;
    for (const auto& rs : results)
      for (const auto& r : rs) write_epoch_row(f, c.model, r);
  }
  std::filesystem::remove(dir / "train_epochs.partial.csv");
  // ---- final table
  struct fin {
    std::vector<double> acc, diff, loss;
    std::string switches;
    std::size_t epochs = 0;  // the fewest epochs of its runs (all of them, unless stopped)
  };
  std::map<std::uint64_t, double> fp32_final;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (schemes[jobs[j].scheme].name == "fp32" && !results[j].empty()) fp32_final[jobs[j].seed] = results[j].back().test_acc;
  std::vector<fin> finals(schemes.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (results[j].empty()) continue;
    fin& f = finals[jobs[j].scheme];
    const auto& last = results[j].back();
    f.epochs = f.acc.empty() ? results[j].size() : std::min(f.epochs, results[j].size());
    f.acc.push_back(last.test_acc);
    f.loss.push_back(last.test_loss);
    if (fp32_final.count(jobs[j].seed)) f.diff.push_back(last.test_acc - fp32_final[jobs[j].seed]);
    if (schemes[jobs[j].scheme].kind == scheme::muppet) {
      std::string sw;
      for (const auto& r : results[j])
        if (r.mu.switched) sw += (sw.empty() ? "" : " ") + std::to_string(r.epoch + 1);
      f.switches += (f.switches.empty() ? "" : "; ") + std::string("seed ") + std::to_string(jobs[j].seed) + ": " +
                    (sw.empty() ? "none" : sw);
    }
  }
  auto pct = [](double x, int d = 2) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", d, 100 * x);
    return std::string(b);
  };
  auto spread = [&](const std::vector<double>& v) {
    if (v.size() < 2) return std::string("-");
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return pct(*lo) + " .. " + pct(*hi);
  };
  {
    std::ofstream f(dir / "train_final.csv");
    f << "model,scheme,epochs,seeds,test_acc_mean,test_acc_min,test_acc_max,diff_vs_fp32_pp_mean,diff_min,diff_max,"
         "test_loss_mean,muppet_switch_epochs\n";
    for (std::size_t s = 0; s < schemes.size(); ++s) {
      const fin& x = finals[s];
      if (x.acc.empty()) continue;
      auto [lo, hi] = std::minmax_element(x.acc.begin(), x.acc.end());
      f << c.model << "," << schemes[s].name << "," << x.epochs << "," << x.acc.size() << "," << fmt_g(mean(x.acc)) << ","
        << fmt_g(*lo) << "," << fmt_g(*hi) << ",";
      if (!x.diff.empty()) {
        auto [dl, dh] = std::minmax_element(x.diff.begin(), x.diff.end());
        f << fmt_g(100 * mean(x.diff), 4) << "," << fmt_g(100 * *dl, 4) << "," << fmt_g(100 * *dh, 4);
      } else {
        f << ",,";
      }
      f << "," << fmt_g(mean(x.loss)) << ",\"" << x.switches << "\"\n";
    }
  }
  // ---- plots
  std::vector<std::string> plots, warnings;
  if (!o.on("no-plots")) {
    // Accuracy and loss curves: the seed mean per scheme and epoch.
    std::ofstream dat(dir / "train_curves.dat");
    for (std::size_t s = 0; s < schemes.size(); ++s) {
      if (s) dat << "\n\n";
      dat << "# " << schemes[s].name << ": epoch test_acc_mean train_loss_mean test_acc_min test_acc_max\n";
      for (int ep = 0; ep < c.epochs; ++ep) {
        std::vector<double> acc, loss;
        for (std::size_t j = 0; j < jobs.size(); ++j)
          if (jobs[j].scheme == s && ep < int(results[j].size())) {
            acc.push_back(results[j][ep].test_acc);
            loss.push_back(results[j][ep].train_loss);
          }
        if (acc.empty()) continue;
        auto [lo, hi] = std::minmax_element(acc.begin(), acc.end());
        dat << ep + 1 << " " << 100 * mean(acc) << " " << mean(loss) << " " << 100 * *lo << " " << 100 * *hi << "\n";
      }
    }
    dat.close();
    std::ostringstream gp;
    gp << "set terminal pngcairo size 1000,650 noenhanced font ',10'\nset output 'train_accuracy.png'\nset grid\n"
       << "set key bottom right\nset xlabel 'epoch'\nset ylabel 'test accuracy (%), mean over " << seeds.size()
       << " seed(s); bars: min..max'\nset title 'Fashion-MNIST " << c.model << ": test accuracy per scheme'\nplot ";
    for (std::size_t s = 0; s < schemes.size(); ++s)
      gp << (s ? ", \\\n     " : "") << "'train_curves.dat' index " << s << " using 1:2:4:5 with yerrorlines lw 1.5 title '"
         << schemes[s].name << "'";
    gp << "\nset output 'train_loss.png'\nset key top right\nset logscale y\nset ylabel 'training loss (mean over the epoch)'\n"
       << "set title 'Fashion-MNIST " << c.model << ": training loss per scheme'\nplot ";
    for (std::size_t s = 0; s < schemes.size(); ++s)
      gp << (s ? ", \\\n     " : "") << "'train_curves.dat' index " << s << " using 1:3 with linespoints lw 1.5 title '"
         << schemes[s].name << "'";
    gp << "\n";
    std::string msg;
    if (run_gnuplot(dir, "train_curves", gp.str(), msg)) {
      plots.push_back("train_accuracy.png");
      plots.push_back("train_loss.png");
    } else {
      warnings.push_back(msg);
    }
    // MuPPET: ratio p against T(j), switch epochs marked (first seed's run).
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      if (schemes[jobs[j].scheme].kind != scheme::muppet) continue;
      const std::string name = "muppet_seed" + std::to_string(jobs[j].seed);
      std::ofstream md(dir / (name + ".dat"));
      md << "# epoch(1-based) ratio_p threshold_T diversity precision\n";
      std::ostringstream arrows;
      for (const auto& r : results[j]) {
        md << r.epoch + 1 << " " << (r.mu.has_ratio ? fmt_g(r.mu.ratio) : "NaN") << " " << fmt_g(r.mu.threshold) << " "
           << (r.mu.has_diversity ? fmt_g(r.mu.diversity) : "NaN") << " " << r.level << "\n";
        if (r.mu.switched) {
          const std::size_t e = static_cast<std::size_t>(r.epoch) + 1;
          const std::string next = e < results[j].size() ? results[j][e].level : std::string("next");
          arrows << "set arrow from " << r.epoch + 1.5 << ", graph 0 to " << r.epoch + 1.5
                 << ", graph 1 nohead dt 2 lw 2 lc rgb 'red'\nset label '" << r.level << " -> " << next << "' at "
                 << r.epoch + 1.6 << ", graph 0.95 tc rgb 'red'\n";
        }
      }
      md.close();
      std::ostringstream g2;
      g2 << "set terminal pngcairo size 1000,600 noenhanced font ',10'\nset output '" << name << ".png'\nset grid\n"
         << "set xlabel 'epoch'\nset ylabel 'p = max S(j) / Delta(j)'\nset title 'MuPPET policy (" << c.model << ", seed "
         << jobs[j].seed << "): ratio p vs threshold T(j) = " << c.mp.alpha << " + " << c.mp.beta << " exp(-" << c.mp.lambda
         << " j); red: precision switches'\nset key bottom right\n"
         << arrows.str() << "plot [0.5:" << c.epochs + 0.5 << "] '" << name
         << ".dat' using 1:($2) with linespoints pt 7 lw 2 title 'ratio p (eq. 6)', '" << name
         << ".dat' using 1:3 with lines lw 2 title 'threshold T (eq. 7)'\n";
      if (run_gnuplot(dir, name, g2.str(), msg)) plots.push_back(name + ".png");
      else warnings.push_back(msg);
    }
  }
  // ---- summary.md and the final table on stdout
  std::ostringstream table;
  table << "| scheme | final test acc. (%) | seed range | vs FP32 (pp) | seed range (pp) | MuPPET switches (after epoch) |\n"
        << "|---|---|---|---|---|---|\n";
  for (std::size_t s = 0; s < schemes.size(); ++s) {
    const fin& x = finals[s];
    if (x.acc.empty()) continue;
    std::string d = "-", ds = "-";
    if (!x.diff.empty()) {
      char b[32];
      std::snprintf(b, sizeof b, "%+.2f", 100 * mean(x.diff));
      d = b;
      if (x.diff.size() > 1) {
        auto [lo, hi] = std::minmax_element(x.diff.begin(), x.diff.end());
        std::snprintf(b, sizeof b, "%+.2f .. %+.2f", 100 * *lo, 100 * *hi);
        ds = b;
      }
    }
    table << "| " << schemes[s].name << " | " << pct(mean(x.acc)) << " | " << spread(x.acc) << " | " << d << " | " << ds
          << " | " << (x.switches.empty() ? "" : x.switches) << " |\n";
  }
  {
    std::ofstream md(dir / "summary.md");
    md << "# floatlab-accuracy train\n\nCommand: `floatlab-accuracy";
    for (int i = 1; i < argc; ++i) md << " " << argv[i];
    md << "`\n\nModel " << c.model
       << (c.model == "cnn" ? " (channels " + std::to_string(c.c1) + ", " + std::to_string(c.c2) +
                                  (c.fc ? ", hidden linear " + std::to_string(c.fc) : std::string()) + ")"
                            : std::string())
       << ", kernels: " << tops::backend_name(tops::backend_setting()) << ", " << c.epochs << " epochs, batch " << c.batch << ", SGD lr " << c.lr << (c.cosine ? " (cosine decay)" : "") << " momentum "
       << c.momentum << ", " << c.train_n << " training and " << c.test_n << " test images, seeds";
    for (auto s : seeds) md << " " << s;
    md << ".\n\n## Final accuracy\n\n" << table.str()
       << "\nThe accuracy is that of the last epoch on the test images, evaluated in the scheme's precision of that "
          "epoch. \"vs FP32\" is the scheme's accuracy minus the FP32 run's with the same seed, in percentage points; "
          "with several seeds the range shows how much of a difference is seed noise.\n\n";
    // MuPPET: where each run switched, or why it did not.
    bool any_mu = false;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      if (schemes[jobs[j].scheme].kind != scheme::muppet || results[j].empty()) continue;
      if (!any_mu) md << "## MuPPET switches\n\n";
      any_mu = true;
      md << "- seed " << jobs[j].seed << ": ";
      std::string sw;
      int violations = 0, best_epoch = 0;
      double best = 0;
      for (const auto& r : results[j]) {
        if (r.mu.switched) {
          const auto& next = results[j].size() > std::size_t(r.epoch + 1) ? results[j][r.epoch + 1].level : std::string("next level");
          sw += (sw.empty() ? "" : ", ") + std::string("after epoch ") + std::to_string(r.epoch + 1) + " (" + r.level + " -> " + next + ")";
        }
        if (r.mu.has_ratio && r.mu.ratio / r.mu.threshold > best) best = r.mu.ratio / r.mu.threshold, best_epoch = r.epoch + 1;
        violations = r.mu.violations;
      }
      const int min_epochs = c.mp.r + c.mp.gamma + 2;
      if (!sw.empty()) {
        md << "switched " << sw << "; final precision " << results[j].back().level << ".\n";
      } else if (c.epochs < min_epochs) {
        md << "no switch: a level lasts at least r + gamma + 2 = " << min_epochs << " epochs (r + 1 gradients for the first "
           << "diversity, one more for the first ratio, gamma + 1 violations), and this run has " << c.epochs << ".\n";
      } else {
        char b[160];
        std::snprintf(b, sizeof b, "no switch in %d epochs: %d violation(s) of the current level (more than gamma = %d "
                      "needed); the largest p / T(j) was %.3f, at epoch %d.\n", c.epochs, violations, c.mp.gamma, best, best_epoch);
        md << b;
      }
    }
    if (any_mu) md << "\nThe ratio p, the threshold T(j) and the violations of every epoch are in `train_epochs.csv` "
                      "(muppet_* columns) and in `muppet_seed<S>.png`.\n\n";
    md << "## Schemes\n\n";
    for (const auto& s : schemes) md << "- **" << s.name << "**: " << s.description << "\n";
    md << "\nAll schemes keep FP32 master weights and update them in FP32 (SGD with momentum); each layer rounds its "
          "weights, its input activations, the error coming back to it and its weight gradient to the scheme's "
          "formats before use (MPTorch's flow).\n\n## Plots\n\n"
       << "- `train_accuracy.png`: test accuracy after each epoch, one line per scheme (mean over seeds; bars: min..max). "
          "A scheme that trains as well as FP32 lies on the FP32 line; a gap that persists to the last epoch is the cost "
          "of the format.\n"
       << "- `train_loss.png`: training loss (mean over each epoch's minibatches), log scale.\n"
       << "- `muppet_seed<S>.png`: MuPPET's policy for seed S: the ratio p = max S(j) / Delta(j) of eq. 6 (blue points, "
          "from the first epoch where r + 1 gradients of the current level exist) against the decaying threshold "
          "T(j) = alpha + beta exp(-lambda j) of eq. 7 (line). Each point above the line is a violation; when a level "
          "has more than gamma violations the precision switches (red dashed lines) and the window restarts, so after "
          "each switch p is undefined for r + 1 epochs. Hyper-parameters: r = "
       << c.mp.r << ", gamma = " << c.mp.gamma << ", lambda = " << c.mp.lambda << ", alpha = " << c.mp.alpha
       << ", beta = " << c.mp.beta << ". The levels are bfp8, bfp12, bfp14, bfp16, FP32, so at least 4 x (r + 1 + gamma) "
                                     "epochs pass before FP32.\n\n## Files\n\n"
       << "- `train_epochs.csv`: every epoch of every run: precision in use, training loss/accuracy, test loss/accuracy, "
          "seconds, loss scale, skipped steps (non-finite gradients), count of quantized tensors that held NaN/inf, and "
          "MuPPET's diversity, ratio, threshold, violations and switch flag.\n"
       << "- `train_final.csv`: the table above as CSV.\n";
    for (const auto& p : plots) md << "- `" << p << "`\n";
    for (const auto& w : warnings) md << "- note: " << w << "\n";
  }
  std::printf("\n%s\nwrote %s/summary.md, train_epochs.csv, train_final.csv and %zu plots\n", table.str().c_str(),
              dir.string().c_str(), plots.size());
  for (const auto& w : warnings) std::printf("note: %s\n", w.c_str());
  return 0;
}

}  // namespace flacc
