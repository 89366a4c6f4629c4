// floatlab-accuracy train: MLP and CNN gradients against finite differences (double), a
// tiny FP32 training run, MuPPET's switching policy on synthetic gradient sequences, and
// the Fashion-MNIST loader on missing, truncated and corrupt files.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <algorithm>

#include <unistd.h>

#include "data.hpp"
#include "gpu_ops.hpp"
#include "muppet.hpp"
#include "nn.hpp"
#include "train.hpp"

using namespace flacc;

namespace {

// train_main on argv; status and what it printed to stderr.
int run_train(std::vector<std::string> args, std::string* err_text = nullptr) {
  args.insert(args.begin(), {"floatlab-accuracy", "train"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  const std::filesystem::path log =
      std::filesystem::temp_directory_path() / ("flacc_train_" + std::to_string(::getpid()) + ".log");
  std::fflush(stdout), std::fflush(stderr);
  const int out = dup(1), err = dup(2);
  FILE* f = std::fopen(log.string().c_str(), "w");
  dup2(fileno(f), 1), dup2(fileno(f), 2);
  const int rc = train_main(static_cast<int>(argv.size()), argv.data());
  std::fflush(stdout), std::fflush(stderr);
  dup2(out, 1), dup2(err, 2), close(out), close(err);
  std::fclose(f);
  if (err_text) {
    std::ifstream in(log);
    err_text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return rc;
}

// Loss of the network on a fixed batch (double, no quantization).
double batch_loss(nn::network<double>& net, const std::vector<double>& x, const std::vector<std::uint8_t>& y,
                  std::size_t B) {
  nn::precision p;
  nn::context ctx;
  std::vector<double> dl;
  const auto& logits = net.forward(x.data(), B, p, ctx);
  return nn::softmax_xent(logits, y.data(), B, 10, dl, 1.0, nullptr);
}

void check_gradients(nn::network<double>& net, std::size_t in, std::size_t B, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> nd(0, 1);
  std::vector<double> x(B * in);
  std::vector<std::uint8_t> y(B);
  for (auto& v : x) v = nd(g);
  for (auto& v : y) v = static_cast<std::uint8_t>(g() % 10);
  nn::precision p;
  nn::context ctx;
  std::vector<double> dl;
  const auto& logits = net.forward(x.data(), B, p, ctx);
  nn::softmax_xent(logits, y.data(), B, 10, dl, 1.0, nullptr);
  net.backward(dl, B, p, ctx);
  std::size_t checked = 0;
  double worst = 0;
  for (auto* prm : net.params()) {
    const std::vector<double> analytic = prm->grad;
    // every 7th entry (all of them for small tensors): central differences, h = 1e-6
    const std::size_t step = prm->value.size() > 200 ? 7 : 1;
    for (std::size_t i = 0; i < prm->value.size(); i += step) {
      const double v = prm->value[i], h = 1e-6;
      prm->value[i] = v + h;
      const double lp = batch_loss(net, x, y, B);
      prm->value[i] = v - h;
      const double lm = batch_loss(net, x, y, B);
      prm->value[i] = v;
      const double fd = (lp - lm) / (2 * h);
      const double err = std::fabs(fd - analytic[i]) / std::max(1e-3, std::fabs(fd) + std::fabs(analytic[i]));
      worst = std::max(worst, err);
      ++checked;
    }
  }
  INFO("checked " << checked << " partial derivatives, worst relative difference " << worst);
  CHECK(checked > 100);
  CHECK(worst < 1e-5);
}

}  // namespace

TEST_CASE("MLP gradients match finite differences (double)", "[accuracy]") {
  auto net = nn::network<double>::mlp(12, {9, 7}, 3);
  check_gradients(net, 12, 4, 1);
}

TEST_CASE("CNN gradients match finite differences (double)", "[accuracy]") {
  // conv 5x5 pad 2 (2 ch) ReLU pool, conv 5x5 pad 2 (3 ch) ReLU pool, linear: 8x8 input
  auto net = nn::network<double>::cnn(8, 2, 3, 5);
  check_gradients(net, 64, 3, 2);
}

TEST_CASE("CNN with a hidden linear layer (--fc): gradients match finite differences (double)", "[accuracy]") {
  auto net = nn::network<double>::cnn(8, 2, 3, 5, 6);
  REQUIRE(net.layers.size() == 9);  // conv relu pool conv relu pool linear relu linear
  check_gradients(net, 64, 3, 2);
  // fc = 0 is the network without the option: the same layers and initial weights.
  auto a = nn::network<double>::cnn(8, 2, 3, 5), b = nn::network<double>::cnn(8, 2, 3, 5, 0);
  REQUIRE(a.layers.size() == 7);
  REQUIRE(b.layers.size() == 7);
  for (std::size_t i = 0; i < a.params().size(); ++i) CHECK(a.params()[i]->value == b.params()[i]->value);
}

TEST_CASE("train options: --backend selection falls back cleanly without a GPU; --fc and --backend errors",
          "[accuracy]") {
  namespace tops = flacc::tops;
  std::string err;
  tops::backend b = tops::backend::tensor;
  REQUIRE(tops::select_backend("fast", b, err));
  CHECK(b == tops::backend::fast);
  REQUIRE(tops::select_backend("tensor", b, err));
  CHECK(b == tops::backend::tensor);
  // auto: cuda only where this build has the CUDA back end and a device answers.
  REQUIRE(tops::select_backend("auto", b, err));
  CHECK(b == (tops::gpu::available() ? tops::backend::cuda : tops::backend::fast));
  if (!tops::gpu::available()) {
    std::string why;
    CHECK_FALSE(tops::gpu::available(&why));
    CHECK(!why.empty());
    b = tops::backend::fast;
    CHECK_FALSE(tops::select_backend("cuda", b, err));
    CHECK(err.find("--backend cuda: ") == 0);
    CHECK(err.size() > 20);
    CHECK(b == tops::backend::fast);  // nothing set
  }
  err.clear();
  CHECK_FALSE(tops::select_backend("gpu", b, err));
  CHECK(err.find("auto, fast, tensor or cuda") != std::string::npos);
  CHECK(std::string(tops::backend_name(tops::backend::cuda)) == "cuda");
  // The command rejects bad values with status 2 and a message that names the option, before
  // reading any data (a missing data folder would also give 2, so the message is checked).
  auto run = [](std::vector<std::string> args, const char* expect) {
    std::string text;
    const int rc = run_train(std::move(args), &text);
    INFO(text);
    CHECK(rc == 2);
    CHECK(text.find(expect) != std::string::npos);
  };
  run({"--backend", "gpu", "--data", "/nonexistent"}, "auto, fast, tensor or cuda");
  run({"--model", "cnn", "--fc", "-3", "--data", "/nonexistent"}, "--fc must be");
  run({"--model", "cnn", "--fc", "x", "--data", "/nonexistent"}, "--fc must be");
  run({"--lr-schedule", "step", "--data", "/nonexistent"}, "--lr-schedule must be");
  if (!tops::gpu::available()) run({"--backend", "cuda", "--data", "/nonexistent"}, "--backend cuda: ");
  tops::set_backend(tops::backend::fast);
}

TEST_CASE("tiny FP32 training run: the loss falls below 0.05", "[accuracy]") {
  // 10 Gaussian blobs in 16 dimensions, 200 points; MLP 16 -> 32 -> 10, SGD with momentum.
  std::mt19937_64 g(9);
  std::normal_distribution<double> nd(0, 1);
  const std::size_t n = 200, d = 16;
  std::vector<float> centres(10 * d), x(n * d);
  std::vector<std::uint8_t> y(n);
  for (auto& c : centres) c = float(2.0 * nd(g));
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<std::uint8_t>(i % 10);
    for (std::size_t k = 0; k < d; ++k) x[i * d + k] = centres[y[i] * d + k] + float(0.3 * nd(g));
  }
  auto net = nn::network<float>::mlp(d, {32}, 4);
  nn::precision p;
  nn::context ctx;
  std::vector<float> dl;
  double first = 0, last = 0;
  for (int ep = 0; ep < 60; ++ep) {
    double loss = 0;
    for (std::size_t i = 0; i < n; i += 20) {
      const auto& logits = net.forward(x.data() + i * d, 20, p, ctx);
      loss += nn::softmax_xent(logits, y.data() + i, 20, 10, dl, 1.0, nullptr) / 10;
      net.backward(dl, 20, p, ctx);
      REQUIRE(net.sgd_step(0.05, 0.9, 0, 1.0));
    }
    if (ep == 0) first = loss;
    last = loss;
  }
  INFO("loss " << first << " -> " << last);
  CHECK(first > 0.5);
  CHECK(last < 0.05);
}

TEST_CASE("MuPPET switches when the ratio violates the threshold more than gamma times, not before", "[accuracy]") {
  // One layer in R^4. Epochs 0..3: the basis vectors e1..e4 (orthogonal: diversity 1).
  // From epoch 4 on, v = (1,1,1,1)/2 every epoch. Windows of r + 1 = 4 gradients:
  //   j = 3: {e1,e2,e3,e4}  Delta = 4/4 = 1          (S empty: no ratio)
  //   j = 4: {e2,e3,e4,v}   Delta = 4/|(.5,1.5,1.5,1.5)|^2 = 4/7    p = 1.75 < T(4) = 2.0055
  //   j = 5: {e3,e4,v,v}    Delta = 4/|(1,1,2,2)|^2 = 0.4          p = 2.5  > T(5) = 1.9098  (1)
  //   j = 6: {e4,v,v,v}     Delta = 4/13                          p = 3.25 > T(6) = 1.8232  (2)
  //   j = 7: {v,v,v,v}      Delta = 4/16 = 0.25                   p = 4    > T(7) = 1.7449  (3 > gamma: switch)
  muppet_policy pol(muppet_params{});
  auto basis = [](int i) {
    std::vector<float> e(4, 0.0f);
    e[i] = 1.0f;
    return std::vector<std::vector<float>>{e};
  };
  const std::vector<std::vector<float>> v{{0.5f, 0.5f, 0.5f, 0.5f}};
  std::vector<muppet_epoch> out;
  for (int j = 0; j < 4; ++j) out.push_back(pol.end_epoch(j, basis(j)));
  for (int j = 4; j < 16; ++j) out.push_back(pol.end_epoch(j, v));
  for (int j = 0; j < 3; ++j) CHECK_FALSE(out[j].has_diversity);
  CHECK(out[3].has_diversity);
  CHECK_FALSE(out[3].has_ratio);
  CHECK(out[3].diversity == Approx(1.0));
  CHECK(out[4].diversity == Approx(4.0 / 7.0));
  CHECK(out[4].ratio == Approx(1.75));
  CHECK(out[4].threshold == Approx(1.0 + 1.5 * std::exp(-0.4)));
  CHECK(out[4].violations == 0);
  CHECK(out[5].diversity == Approx(0.4));
  CHECK(out[5].violations == 1);
  CHECK(out[6].diversity == Approx(4.0 / 13.0));
  CHECK(out[6].violations == 2);
  for (int j = 0; j < 7; ++j) CHECK_FALSE(out[j].switched);  // gamma = 2 violations are allowed
  CHECK(out[7].ratio == Approx(4.0));
  CHECK(out[7].switched);
  // After the switch S and the window restart: r + 1 new epochs before a diversity, one more for a ratio.
  CHECK_FALSE(out[8].has_diversity);
  CHECK_FALSE(out[10].has_diversity);
  CHECK(out[11].has_diversity);
  CHECK_FALSE(out[11].has_ratio);
  CHECK(out[12].has_ratio);
  CHECK(out[12].ratio == Approx(1.0));  // constant gradients: constant diversity, p = 1 < T
  for (int j = 8; j < 16; ++j) CHECK_FALSE(out[j].switched);
}

TEST_CASE("MuPPET: constant diversity never switches; gamma = 0 switches at the first violation", "[accuracy]") {
  muppet_policy never(muppet_params{});
  for (int j = 0; j < 40; ++j) {
    std::vector<float> e(40, 0.0f);
    e[j] = 1.0f;  // orthogonal every epoch: Delta = 1, p = 1, and T(j) > 1 for all j
    CHECK_FALSE(never.end_epoch(j, {e}).switched);
  }
  muppet_params p;
  p.gamma = 0;
  muppet_policy eager(p);
  const std::vector<std::vector<float>> v{{0.5f, 0.5f, 0.5f, 0.5f}};
  std::vector<muppet_epoch> out;
  for (int j = 0; j < 4; ++j) {
    std::vector<float> e(4, 0.0f);
    e[j] = 1.0f;
    out.push_back(eager.end_epoch(j, {e}));
  }
  for (int j = 4; j < 7; ++j) out.push_back(eager.end_epoch(j, v));
  CHECK_FALSE(out[4].switched);  // p = 1.75 below T(4)
  CHECK(out[5].switched);        // first violation
  // Two layers: the diversity is the mean of the layers' diversities (eq. 6).
  muppet_policy two(muppet_params{});
  muppet_epoch last;
  for (int j = 0; j < 4; ++j) {
    std::vector<float> e(4, 0.0f);
    e[j] = 1.0f;
    last = two.end_epoch(j, {e, {1.0f, 1.0f}});
  }
  CHECK(last.diversity == Approx((1.0 + 0.25) / 2));
}

namespace {

namespace fs = std::filesystem;

std::vector<unsigned char> idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  std::vector<unsigned char> b;
  auto be = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(v >> s));
  };
  be(0x803);
  be(n);
  be(rows);
  be(cols);
  for (std::uint32_t i = 0; i < n * rows * cols; ++i) b.push_back(static_cast<unsigned char>(i * 37));
  return b;
}
std::vector<unsigned char> idx_labels(std::uint32_t n) {
  std::vector<unsigned char> b = {0, 0, 8, 1};
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(n >> s));
  for (std::uint32_t i = 0; i < n; ++i) b.push_back(static_cast<unsigned char>(i % 10));
  return b;
}
void write_gz(const fs::path& p, const std::vector<unsigned char>& data) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  REQUIRE(f);
  REQUIRE(gzwrite(f, data.data(), static_cast<unsigned>(data.size())) == int(data.size()));
  gzclose(f);
}
void write_raw(const fs::path& p, const std::vector<unsigned char>& data) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}
std::vector<unsigned char> read_raw(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace

TEST_CASE("Fashion-MNIST loader: valid, missing, truncated and corrupt files", "[accuracy]") {
  const fs::path dir = fs::temp_directory_path() / ("flacc_data_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path img = dir / "img.gz", lab = dir / "lab.gz";
  write_gz(img, idx_images(5, 28, 28));
  write_gz(lab, idx_labels(5));
  dataset d;
  std::string err;
  REQUIRE(load_idx_pair(img.string(), lab.string(), d, err));
  CHECK(d.count == 5);
  CHECK(d.rows == 28);
  CHECK(d.images[1] == float(37) / 255.0f);
  CHECK(d.labels[4] == 4);
  // plain (uncompressed) files read too
  write_raw(dir / "img", idx_images(5, 28, 28));
  write_raw(dir / "lab", idx_labels(5));
  CHECK(load_idx_pair((dir / "img").string(), (dir / "lab").string(), d, err));

  // missing
  CHECK_FALSE(load_idx_pair((dir / "nope.gz").string(), lab.string(), d, err));
  CHECK(err.find("file not found") != std::string::npos);
  CHECK_FALSE(load_fashion_mnist((dir / "nodir").string(), d, d, err));
  CHECK(err.find("no such folder") != std::string::npos);
  // truncated gzip stream
  auto gz = read_raw(img);
  write_raw(dir / "cut.gz", std::vector<unsigned char>(gz.begin(), gz.begin() + static_cast<long>(gz.size() / 2)));
  CHECK_FALSE(load_idx_pair((dir / "cut.gz").string(), lab.string(), d, err));
  INFO(err);
  CHECK((err.find("truncated") != std::string::npos || err.find("corrupt") != std::string::npos));
  // corrupt gzip stream (bytes flipped inside the deflate data, CRC mismatch)
  auto bad = gz;
  for (std::size_t i = 20; i < 40 && i < bad.size(); ++i) bad[i] ^= 0x5A;
  write_raw(dir / "bad.gz", bad);
  CHECK_FALSE(load_idx_pair((dir / "bad.gz").string(), lab.string(), d, err));
  CHECK(err.find("corrupt") != std::string::npos);
  // truncated IDX payload inside a valid gzip stream
  const auto full_img = idx_images(5, 28, 28);
  const std::vector<unsigned char> short_img(full_img.begin(), full_img.end() - 100);
  write_gz(dir / "short.gz", short_img);
  CHECK_FALSE(load_idx_pair((dir / "short.gz").string(), lab.string(), d, err));
  CHECK(err.find("truncated") != std::string::npos);
  // wrong magic, label out of range, count mismatch
  auto wrong = idx_images(5, 28, 28);
  wrong[3] = 0x01;
  write_gz(dir / "wrong.gz", wrong);
  CHECK_FALSE(load_idx_pair((dir / "wrong.gz").string(), lab.string(), d, err));
  CHECK(err.find("magic") != std::string::npos);
  auto labs = idx_labels(5);
  labs[10] = 42;
  write_gz(dir / "labs.gz", labs);
  CHECK_FALSE(load_idx_pair(img.string(), (dir / "labs.gz").string(), d, err));
  CHECK(err.find("outside 0..9") != std::string::npos);
  write_gz(dir / "lab4.gz", idx_labels(4));
  CHECK_FALSE(load_idx_pair(img.string(), (dir / "lab4.gz").string(), d, err));
  CHECK(err.find("labels") != std::string::npos);
  // empty file
  write_raw(dir / "empty.gz", {});
  CHECK_FALSE(load_idx_pair((dir / "empty.gz").string(), lab.string(), d, err));
  fs::remove_all(dir);
}

TEST_CASE("training GEMMs: the FP32 kernel equals a plain k-ordered loop; the exact kernel equals MPFR", "[accuracy]") {
  // nn::gemm(fp32) skips zero multipliers (ReLU zeros); on finite inputs that changes no bit.
  std::mt19937_64 g(21);
  std::normal_distribution<float> nd(0, 1);
  const std::size_t M = 7, N = 33, K = 50;
  std::vector<float> A(M * K), B(K * N), C(M * N);
  for (auto& v : A) v = (g() % 3 == 0) ? 0.0f : nd(g);
  for (auto& v : B) v = nd(g);
  nn::precision p;
  nn::gemm(A.data(), B.data(), C.data(), M, N, K, p);
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      volatile float s = 0.0f;  // one rounding per product and per sum, k in order
      for (std::size_t k = 0; k < K; ++k) {
        volatile float prod = A[i * K + k] * B[k * N + j];
        s = s + prod;
      }
      CHECK(C[i * N + j] == s);
    }
  // Exact kernel on 16-bit block fixed point values (codes times a power of two): the double
  // accumulation is exact, so the result is the exact sum rounded once to float.
  const std::size_t K2 = 784;
  std::vector<float> X(M * K2), W(K2 * N), D(M * N);
  for (auto& v : X) v = std::ldexp(float(std::int32_t(g() % 65535) - 32767), -20);
  for (auto& v : W) v = std::ldexp(float(std::int32_t(g() % 65535) - 32767), -9);
  p.gemm = nn::gemm_kind::exact;
  nn::gemm(X.data(), W.data(), D.data(), M, N, K2, p);
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      long long acc = 0;  // codes: |x| < 2^15, |w| < 2^15, K2 * 2^30 < 2^40: exact in 64 bits
      for (std::size_t k = 0; k < K2; ++k)
        acc +=
            static_cast<long long>(std::ldexp(X[i * K2 + k], 20)) * static_cast<long long>(std::ldexp(W[k * N + j], 9));
      const float ref = static_cast<float>(std::ldexp(static_cast<double>(acc), -29));  // |acc| < 2^53: exact double
      CHECK(D[i * N + j] == ref);
    }
}

TEST_CASE("the first layer's skipped input gradient changes no weight gradient (MLP and CNN, FP32 and bfp8)",
          "[accuracy]") {
  // network::backward leaves the gradient of the input images uncomputed (input_gradient =
  // false): every parameter gradient must be the same bits as with it computed.
  std::mt19937_64 g(12);
  std::normal_distribution<float> nd(0, 1);
  std::string err;
  std::vector<std::unique_ptr<any_format>> storage;
  storage.push_back(std::make_unique<any_format>(make_format("bfp8", err)));
  nn::precision bfp;
  mode_spec sr;
  REQUIRE(parse_mode("stochastic<16>", sr, err));
  bfp.w = bfp.a = bfp.e = bfp.g = nn::role{storage.back().get(), sr};
  bfp.gemm = nn::gemm_kind::exact;
  for (int model = 0; model < 2; ++model)
    for (int prec = 0; prec < 2; ++prec) {
      const nn::precision p = prec ? bfp : nn::precision{};
      const std::size_t B = 5, in = model ? 64 : 20;
      std::vector<float> x(B * in);
      std::vector<std::uint8_t> y(B);
      for (auto& v : x) v = std::max(0.0f, nd(g));
      for (auto& v : y) v = static_cast<std::uint8_t>(g() % 10);
      std::vector<std::vector<float>> grads[2];
      for (int with = 0; with < 2; ++with) {
        auto net = model ? nn::network<float>::cnn(8, 2, 3, 7) : nn::network<float>::mlp(in, {16}, 7);
        net.input_gradient = with == 1;
        nn::context ctx;
        std::vector<float> dl;
        const auto& logits = net.forward(x.data(), B, p, ctx);
        nn::softmax_xent(logits, y.data(), B, 10, dl, 1.0, nullptr);
        net.backward(dl, B, p, ctx);
        for (auto* q : net.params()) grads[with].push_back(q->grad);
        if (with) CHECK(net.grad_a.size() == B * in);  // the input gradient was computed
      }
      INFO("model " << (model ? "cnn" : "mlp") << " precision " << (prec ? "bfp8" : "fp32"));
      REQUIRE(grads[0].size() == grads[1].size());
      double norm = 0;
      for (std::size_t t = 0; t < grads[0].size(); ++t) {
        REQUIRE(grads[0][t].size() == grads[1][t].size());
        CHECK(std::memcmp(grads[0][t].data(), grads[1][t].data(), grads[0][t].size() * sizeof(float)) == 0);
        for (float v : grads[0][t]) norm += std::fabs(v);
      }
      CHECK(norm > 0);
    }
}

namespace {
// train_epochs.csv without its seconds column (10th), sorted: the rows two runs must share.
std::vector<std::string> epoch_rows(const fs::path& dir) {
  std::ifstream f(dir / "train_epochs.csv");
  std::vector<std::string> rows;
  for (std::string line; std::getline(f, line);) {
    std::string kept, cell;
    std::istringstream in(line);
    for (int col = 1; std::getline(in, cell, ','); ++col)
      if (col != 10) kept += cell + ",";
    rows.push_back(kept);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}
}  // namespace

TEST_CASE("train --checkpoint / --resume: 2 epochs + a resumed 2 equal 4 in one go, bit for bit", "[accuracy]") {
  const fs::path dir = fs::temp_directory_path() / ("flacc_ckpt_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path data = dir / "data";
  fs::create_directories(data);
  write_gz(data / "train-images-idx3-ubyte.gz", idx_images(256, 28, 28));
  write_gz(data / "train-labels-idx1-ubyte.gz", idx_labels(256));
  write_gz(data / "t10k-images-idx3-ubyte.gz", idx_images(64, 28, 28));
  write_gz(data / "t10k-labels-idx1-ubyte.gz", idx_labels(64));
  // Every piece of state: loss scaling (fp16), stochastic words (bfp8), the schedule's levels,
  // MuPPET's memory (threshold 0 and gamma 0: a switch at its first ratio, after epoch 3, from
  // gradients stored before the resume), cosine learning rates, two seeds, two threads.
  const std::vector<std::string> common = {
      "--model",       "mlp",    "--hidden",       "16",     "--schemes",      "fp32,fp16,bfp8,muppet,schedule",
      "--seeds",       "1,2",    "--epochs",       "4",      "--batch",        "32",
      "--muppet-r",    "1",      "--muppet-gamma", "0",      "--muppet-alpha", "0",
      "--muppet-beta", "0",      "--lr-schedule",  "cosine", "--threads",      "2",
      "--no-plots",    "--data", data.string()};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = common;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const std::string ck = (dir / "ck").string();
  REQUIRE(run_train(with({"--out", (dir / "straight").string()})) == 0);
  REQUIRE(run_train(with({"--checkpoint", ck, "--stop-after", "2", "--out", (dir / "first").string()})) == 0);
  CHECK(epoch_rows(dir / "first").size() == 1 + 10 * 2);  // header + 10 runs x 2 epochs
  REQUIRE(run_train(with({"--checkpoint", ck, "--resume", "--out", (dir / "resumed").string()})) == 0);
  const auto straight = epoch_rows(dir / "straight"), resumed = epoch_rows(dir / "resumed");
  REQUIRE(straight.size() == 1 + 10 * 4);
  CHECK(resumed == straight);
  // The MuPPET runs did switch after the resume point (so its restored memory mattered).
  std::size_t switched_late = 0;
  for (const auto& r : straight) {
    std::istringstream in(r);
    std::vector<std::string> cells;
    for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
    REQUIRE(cells.size() == 18);  // 19 columns less seconds
    // scheme, epoch (1-based), muppet_switch
    if (cells[1] == "muppet" && cells[16] == "1" && std::stoi(cells[3]) >= 3) ++switched_late;
  }
  CHECK(switched_late == 2);

  // Bad checkpoints: other options, a truncated file, garbage; each a clear error, status 2.
  std::string msg;
  auto other = with({"--checkpoint", ck, "--resume", "--out", (dir / "x").string()});
  other[std::find(other.begin(), other.end(), "--batch") - other.begin() + 1] = "16";
  CHECK(run_train(other, &msg) == 2);
  CHECK(msg.find("made with other options") != std::string::npos);
  const fs::path one = fs::path(ck) / "fp16-s2.ckpt";
  REQUIRE(fs::exists(one));
  auto bytes = read_raw(one);
  write_raw(one, std::vector<unsigned char>(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * 2 / 3)));
  CHECK(run_train(with({"--checkpoint", ck, "--resume", "--out", (dir / "y").string()}), &msg) == 2);
  CHECK(msg.find("fp16-s2.ckpt: truncated or corrupt") != std::string::npos);
  write_raw(one, std::vector<unsigned char>(100, 7));
  CHECK(run_train(with({"--checkpoint", ck, "--resume", "--out", (dir / "z").string()}), &msg) == 2);
  CHECK(msg.find("is not a floatlab-accuracy checkpoint") != std::string::npos);
  CHECK(run_train(with({"--resume", "--out", (dir / "w").string()}), &msg) == 2);
  CHECK(msg.find("--resume needs --checkpoint") != std::string::npos);
  fs::remove_all(dir);
}
