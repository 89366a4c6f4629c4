// tools/accuracy/nn.hpp: a small neural-network library for the training benchmark.
//
// Layers (batch-major, NCHW): linear, conv2d (im2col + GEMM), relu, maxpool 2x2, softmax
// cross-entropy. Templated on the real type: float for training, double for the
// finite-difference gradient tests.
//
// Mixed precision, the flow of MPTorch (Ortiz et al., "MPTorch: a PyTorch-based framework
// for simulating custom precision DNN training"): the master weights stay in FP32; each
// layer rounds, in the formats of its `precision` (each a format and a rounding mode):
//   w: the weights it uses (forward and backward),       a: its input activations,
//   e: the error (output gradient) coming back to it,     g: its weight gradient,
// and runs its GEMMs with the precision's GEMM semantics: fp32 (products and sums rounded
// to binary32, k in order), exact (products and sums exact, one rounding to binary32: the
// integer accumulation of block fixed point), both through tensor_ops.hpp (floatlab's tensor
// API semantics), or chosen product / accumulation formats (tools/accuracy/ops.hpp, slow).
// The update is FP32 SGD with momentum.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ops.hpp"
#include "tensor_ops.hpp"

namespace flacc::nn {

struct role {
  const any_format* fmt = nullptr;  // null: keep FP32
  mode_spec mode;
  bool on() const { return fmt != nullptr; }
};

enum class gemm_kind { fp32, exact, formats };

struct precision {
  std::string name = "fp32";
  role w, a, e, g;
  gemm_kind gemm = gemm_kind::fp32;
  const scalar_format* prod = nullptr;  // gemm_kind::formats
  const scalar_format* acc = nullptr;
  mode_spec prod_mode, acc_mode;
};

// Counters of the run: random streams, and how often a quantized tensor was not finite.
struct context {
  std::uint64_t seed = 1;
  std::uint64_t step = 0;
  std::size_t non_finite = 0;
};

template <class Real>
void quantize(Real* x, std::size_t n, const role& r, context& ctx, std::uint32_t tag) {
  if constexpr (std::is_same_v<Real, float>) {
    if (!r.on()) return;
    const std::uint32_t stream = static_cast<std::uint32_t>(ctx.step * 64 + tag);
    if (!ops::quantize(x, n, *r.fmt, r.mode, ctx.seed, stream)) ++ctx.non_finite;
  } else {
    (void)x, (void)n, (void)r, (void)ctx, (void)tag;
  }
}

// C (M x N) = A (M x K) B (K x N), row-major, in the precision's GEMM semantics: fp32 and
// exact through tensor_ops.hpp (the tensor API's semantics, fast back end by default),
// chosen product / accumulation formats through ops.hpp (scalar loops).
inline tops::acc_kind acc_of(const precision& p) {
  return p.gemm == gemm_kind::exact ? tops::acc_kind::exact : tops::acc_kind::fp32;
}
template <class Real>
void gemm(const Real* A, const Real* B, Real* C, std::size_t M, std::size_t N, std::size_t K, const precision& p) {
  if (std::is_same_v<Real, double> || p.gemm != gemm_kind::formats) {
    tops::gemm(acc_of(p), A, B, C, M, N, K);
    return;
  }
  std::vector<double> a(A, A + M * K), b(B, B + K * N), c(M * N);
  ops::gemm_formats f{p.prod, p.prod, p.acc, p.prod_mode, p.acc_mode, false};
  ops::gemm(a.data(), b.data(), c.data(), M, N, K, f, 0x5eed);
  for (std::size_t i = 0; i < M * N; ++i) C[i] = Real(c[i]);
}

template <class Real>
void transpose(const Real* A, Real* T, std::size_t rows, std::size_t cols) {
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) T[j * rows + i] = A[i * cols + j];
}

// A parameter tensor: FP32 master value, gradient, momentum.
template <class Real>
struct param {
  std::vector<Real> value, grad, velocity;
  void resize(std::size_t n) {
    value.assign(n, 0);
    grad.assign(n, 0);
    velocity.assign(n, 0);
  }
};

template <class Real>
struct layer {
  virtual ~layer() = default;
  // in: batch x in_size; out: batch x out_size
  virtual void forward(const std::vector<Real>& in, std::vector<Real>& out, std::size_t batch, const precision& p,
                       context& ctx) = 0;
  // dout -> din (gradients of the input); weight gradients into params
  virtual void backward(const std::vector<Real>& dout, std::vector<Real>& din, std::size_t batch, const precision& p,
                        context& ctx) = 0;
  virtual std::size_t out_size() const = 0;
  virtual std::vector<param<Real>*> params() { return {}; }
  virtual bool has_weights() const { return false; }
  // The weight parameter (MuPPET's per-layer gradient).
  virtual param<Real>* weight() { return nullptr; }
  // False: backward may leave din unset (the network's first layer: nothing reads the
  // gradient of the input images; skipping it changes no other value).
  bool input_grad = true;
};

template <class Real>
struct linear final : layer<Real> {
  std::size_t in_n, out_n;
  param<Real> W, b;              // W: out x in
  std::vector<Real> xq, wq, tmp, dyq, wt;
  std::uint32_t tag;
  linear(std::size_t in, std::size_t out, std::mt19937_64& g, std::uint32_t t) : in_n(in), out_n(out), tag(t) {
    W.resize(in * out);
    b.resize(out);
    // He-uniform initialization (ReLU networks).
    std::uniform_real_distribution<double> u(-std::sqrt(6.0 / double(in)), std::sqrt(6.0 / double(in)));
    for (auto& v : W.value) v = Real(u(g));
  }
  void forward(const std::vector<Real>& in, std::vector<Real>& out, std::size_t B, const precision& p, context& ctx) override {
    xq = in;
    quantize(xq.data(), xq.size(), p.a, ctx, tag + 0);
    wq = W.value;
    quantize(wq.data(), wq.size(), p.w, ctx, tag + 1);
    wt.resize(in_n * out_n);
    transpose(wq.data(), wt.data(), out_n, in_n);  // in x out
    out.resize(B * out_n);
    gemm(xq.data(), wt.data(), out.data(), B, out_n, in_n, p);
    for (std::size_t i = 0; i < B; ++i)
      for (std::size_t j = 0; j < out_n; ++j) out[i * out_n + j] += b.value[j];
  }
  void backward(const std::vector<Real>& dout, std::vector<Real>& din, std::size_t B, const precision& p,
                context& ctx) override {
    dyq = dout;
    quantize(dyq.data(), dyq.size(), p.e, ctx, tag + 2);
    if (this->input_grad) {
      din.resize(B * in_n);
      gemm(dyq.data(), wq.data(), din.data(), B, in_n, out_n, p);  // dX = dY W
    }
    tmp.resize(B * out_n);
    transpose(dyq.data(), tmp.data(), B, out_n);  // out x B
    gemm(tmp.data(), xq.data(), W.grad.data(), out_n, in_n, B, p);  // dW = dY^T X
    quantize(W.grad.data(), W.grad.size(), p.g, ctx, tag + 3);
    std::fill(b.grad.begin(), b.grad.end(), Real(0));
    for (std::size_t i = 0; i < B; ++i)
      for (std::size_t j = 0; j < out_n; ++j) b.grad[j] += dyq[i * out_n + j];
  }
  std::size_t out_size() const override { return out_n; }
  std::vector<param<Real>*> params() override { return {&W, &b}; }
  bool has_weights() const override { return true; }
  param<Real>* weight() override { return &W; }
};

// Convolution (NCHW, square kernel, stride, padding) as the tensor API's conv2d passes; with
// gemm_kind::formats, the im2col GEMMs of ops.hpp per image (scalar loops, slow).
template <class Real>
struct conv2d final : layer<Real> {
  ops::conv_shape s;
  param<Real> W, b;  // W: cout x (cin kh kw)
  std::vector<Real> xq, wq, col, cols, dyq, wt, colt, dcol, dwb;
  std::uint32_t tag;
  conv2d(ops::conv_shape shape, std::mt19937_64& g, std::uint32_t t) : s(shape), tag(t) {
    W.resize(s.cout * s.k());
    b.resize(s.cout);
    std::uniform_real_distribution<double> u(-std::sqrt(6.0 / double(s.k())), std::sqrt(6.0 / double(s.k())));
    for (auto& v : W.value) v = Real(u(g));
  }
  tops::conv_shape shape(std::size_t B) const {
    tops::conv_shape t;
    t.n = B, t.c = s.cin, t.h = s.h, t.w = s.w, t.oc = s.cout, t.kh = s.kh, t.kw = s.kw, t.stride = s.stride, t.pad = s.pad;
    return t;
  }
  std::size_t in_size() const { return s.cin * s.h * s.w; }
  std::size_t P() const { return s.out_h() * s.out_w(); }
  std::size_t out_size() const override { return s.cout * P(); }
  void forward(const std::vector<Real>& in, std::vector<Real>& out, std::size_t B, const precision& p, context& ctx) override {
    xq = in;
    quantize(xq.data(), xq.size(), p.a, ctx, tag + 0);
    wq = W.value;
    quantize(wq.data(), wq.size(), p.w, ctx, tag + 1);
    const std::size_t K = s.k(), Pn = P();
    out.resize(B * out_size());
    if (std::is_same_v<Real, double> || p.gemm != gemm_kind::formats) {
      tops::conv_forward(acc_of(p), shape(B), xq.data(), wq.data(), out.data());
    } else {
      col.resize(K * Pn);
      for (std::size_t n = 0; n < B; ++n) {
        ops::im2col(xq.data() + n * in_size(), s, col.data());
        gemm(wq.data(), col.data(), out.data() + n * out_size(), s.cout, Pn, K, p);
      }
    }
    for (std::size_t n = 0; n < B; ++n) {
      Real* o = out.data() + n * out_size();
      for (std::size_t co = 0; co < s.cout; ++co)
        for (std::size_t q = 0; q < Pn; ++q) o[co * Pn + q] += b.value[co];
    }
  }
  void backward(const std::vector<Real>& dout, std::vector<Real>& din, std::size_t B, const precision& p,
                context& ctx) override {
    dyq = dout;
    quantize(dyq.data(), dyq.size(), p.e, ctx, tag + 2);
    const std::size_t K = s.k(), Pn = P();
    std::fill(b.grad.begin(), b.grad.end(), Real(0));
    if (std::is_same_v<Real, double> || p.gemm != gemm_kind::formats) {
      din.resize(B * in_size());  // conv_backward_data writes every element (or none is read)
      const auto t = shape(B);
      tops::conv_backward_weights(acc_of(p), t, xq.data(), dyq.data(), W.grad.data());
      if (this->input_grad) tops::conv_backward_data(acc_of(p), t, dyq.data(), wq.data(), din.data());
    } else {
      // dW = sum over images of dY col^T (each image's GEMM, then summed in FP32); dX by col2im.
      din.assign(B * in_size(), Real(0));
      std::fill(W.grad.begin(), W.grad.end(), Real(0));
      wt.resize(K * s.cout);
      transpose(wq.data(), wt.data(), s.cout, K);
      col.resize(K * Pn);
      colt.resize(Pn * K);
      dcol.resize(K * Pn);
      dwb.resize(s.cout * K);
      const std::size_t oh = s.out_h(), ow = s.out_w();
      for (std::size_t n = 0; n < B; ++n) {
        const Real* dy = dyq.data() + n * out_size();
        ops::im2col(xq.data() + n * in_size(), s, col.data());
        transpose(col.data(), colt.data(), K, Pn);
        gemm(dy, colt.data(), dwb.data(), s.cout, K, Pn, p);
        for (std::size_t i = 0; i < dwb.size(); ++i) W.grad[i] += dwb[i];
        gemm(wt.data(), dy, dcol.data(), K, Pn, s.cout, p);
        Real* dx = din.data() + n * in_size();
        for (std::size_t ci = 0; ci < s.cin; ++ci)
          for (std::size_t r = 0; r < s.kh; ++r)
            for (std::size_t q = 0; q < s.kw; ++q) {
              const Real* src = dcol.data() + ((ci * s.kh + r) * s.kw + q) * Pn;
              for (std::size_t y = 0; y < oh; ++y)
                for (std::size_t xo = 0; xo < ow; ++xo) {
                  const long iy = long(y * s.stride + r) - long(s.pad), ix = long(xo * s.stride + q) - long(s.pad);
                  if (iy < 0 || ix < 0 || iy >= long(s.h) || ix >= long(s.w)) continue;
                  dx[(ci * s.h + std::size_t(iy)) * s.w + std::size_t(ix)] += src[y * ow + xo];
                }
            }
      }
    }
    for (std::size_t n = 0; n < B; ++n) {
      const Real* dy = dyq.data() + n * out_size();
      for (std::size_t co = 0; co < s.cout; ++co)
        for (std::size_t q = 0; q < Pn; ++q) b.grad[co] += dy[co * Pn + q];
    }
    quantize(W.grad.data(), W.grad.size(), p.g, ctx, tag + 3);
  }
  std::vector<param<Real>*> params() override { return {&W, &b}; }
  bool has_weights() const override { return true; }
  param<Real>* weight() override { return &W; }
};

template <class Real>
struct relu final : layer<Real> {
  std::size_t n;
  std::vector<std::uint8_t> mask;  // in > 0 (bytes: a quarter of a float mask's memory traffic)
  explicit relu(std::size_t size) : n(size) {}
  void forward(const std::vector<Real>& in, std::vector<Real>& out, std::size_t, const precision&, context&) override {
    out.resize(in.size());
    mask.resize(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      mask[i] = in[i] > 0;
      out[i] = in[i] > 0 ? in[i] : Real(0);
    }
  }
  void backward(const std::vector<Real>& dout, std::vector<Real>& din, std::size_t, const precision&, context&) override {
    din.resize(dout.size());
    // dout * 1 or dout * 0, as with a float mask (the product keeps -0 and NaN alike).
    for (std::size_t i = 0; i < dout.size(); ++i) din[i] = mask[i] ? dout[i] : dout[i] * Real(0);
  }
  std::size_t out_size() const override { return n; }
};

// 2x2 max pooling, stride 2, on c x h x w (h, w even).
template <class Real>
struct maxpool2 final : layer<Real> {
  std::size_t c, h, w;
  std::vector<std::uint8_t> arg;  // which of the window's 4 inputs (dy * 2 + dx) is the maximum
  maxpool2(std::size_t c_, std::size_t h_, std::size_t w_) : c(c_), h(h_), w(w_) {}
  std::size_t out_size() const override { return c * (h / 2) * (w / 2); }
  void forward(const std::vector<Real>& in, std::vector<Real>& out, std::size_t B, const precision&, context&) override {
    const std::size_t oh = h / 2, ow = w / 2, planes = B * c;
    out.resize(B * out_size());
    arg.resize(out.size());
    for (std::size_t pl = 0; pl < planes; ++pl)
      for (std::size_t y = 0; y < oh; ++y) {
        const Real* r0 = in.data() + (pl * h + 2 * y) * w;
        const Real* r1 = r0 + w;
        Real* o = out.data() + (pl * oh + y) * ow;
        std::uint8_t* a = arg.data() + (pl * oh + y) * ow;
        for (std::size_t x = 0; x < ow; ++x) {
          // The first strict maximum in the order (0,0) (0,1) (1,0) (1,1).
          Real best = r0[2 * x];
          std::uint8_t k = 0;
          if (r0[2 * x + 1] > best) best = r0[2 * x + 1], k = 1;
          if (r1[2 * x] > best) best = r1[2 * x], k = 2;
          if (r1[2 * x + 1] > best) best = r1[2 * x + 1], k = 3;
          o[x] = best;
          a[x] = k;
        }
      }
  }
  void backward(const std::vector<Real>& dout, std::vector<Real>& din, std::size_t B, const precision&, context&) override {
    const std::size_t oh = h / 2, ow = w / 2, planes = B * c;
    din.resize(B * c * h * w);
    if ((h | w) & 1) std::fill(din.begin(), din.end(), Real(0));  // an odd side's last row / column: no window
    for (std::size_t pl = 0; pl < planes; ++pl)
      for (std::size_t y = 0; y < oh; ++y) {
        Real* r0 = din.data() + (pl * h + 2 * y) * w;
        Real* r1 = r0 + w;
        const Real* d = dout.data() + (pl * oh + y) * ow;
        const std::uint8_t* a = arg.data() + (pl * oh + y) * ow;
        for (std::size_t x = 0; x < ow; ++x) {
          // Every input is in one window (h, w even): 0 + dout at the maximum (as a sum into
          // zeros: -0 becomes +0), 0 elsewhere.
          const Real g = Real(0) + d[x];
          r0[2 * x] = a[x] == 0 ? g : Real(0);
          r0[2 * x + 1] = a[x] == 1 ? g : Real(0);
          r1[2 * x] = a[x] == 2 ? g : Real(0);
          r1[2 * x + 1] = a[x] == 3 ? g : Real(0);
        }
      }
  }
};

// Mean softmax cross-entropy of logits (batch x classes); dlogits = (softmax - onehot) / batch * scale.
template <class Real>
double softmax_xent(const std::vector<Real>& logits, const std::uint8_t* labels, std::size_t B, std::size_t C,
                    std::vector<Real>& dlogits, double scale, std::size_t* correct) {
  double loss = 0;
  dlogits.resize(B * C);
  for (std::size_t i = 0; i < B; ++i) {
    const Real* z = logits.data() + i * C;
    double mx = double(z[0]);
    std::size_t am = 0;
    for (std::size_t j = 1; j < C; ++j)
      if (double(z[j]) > mx) mx = double(z[j]), am = j;
    if (correct && am == labels[i]) ++*correct;
    double se = 0;
    for (std::size_t j = 0; j < C; ++j) se += std::exp(double(z[j]) - mx);
    loss += -(double(z[labels[i]]) - mx - std::log(se));
    for (std::size_t j = 0; j < C; ++j) {
      const double pj = std::exp(double(z[j]) - mx) / se;
      dlogits[i * C + j] = Real((pj - (j == labels[i] ? 1.0 : 0.0)) / double(B) * scale);
    }
  }
  return loss / double(B);
}

template <class Real>
struct network {
  std::vector<std::unique_ptr<layer<Real>>> layers;
  std::vector<std::vector<Real>> acts;  // acts[0] = input, acts[i+1] = output of layer i
  std::vector<Real> grad_a, grad_b;
  std::size_t in_size = 0, classes = 10;
  bool input_gradient = false;  // backward: also the gradient of the input (nothing reads it)

  // MLP: in -> hidden (ReLU) x depth -> 10.
  static network mlp(std::size_t in, const std::vector<std::size_t>& hidden, std::uint64_t seed) {
    network n;
    n.in_size = in;
    std::mt19937_64 g(seed);
    std::size_t prev = in;
    std::uint32_t tag = 0;
    for (std::size_t h : hidden) {
      n.layers.push_back(std::make_unique<linear<Real>>(prev, h, g, tag += 4));
      n.layers.push_back(std::make_unique<relu<Real>>(h));
      prev = h;
    }
    n.layers.push_back(std::make_unique<linear<Real>>(prev, 10, g, tag += 4));
    return n;
  }
  // CNN: conv(c1, 5x5, pad 2) ReLU pool2, conv(c2, 5x5, pad 2) ReLU pool2, [linear -> fc,
  // ReLU,] linear -> 10 (fc = 0: no hidden layer; the network and its initial weights are then
  // those of the versions without the fc option).
  static network cnn(std::size_t side, std::size_t c1, std::size_t c2, std::uint64_t seed, std::size_t fc = 0) {
    network n;
    n.in_size = side * side;
    std::mt19937_64 g(seed);
    ops::conv_shape a{1, side, side, c1, 5, 5, 1, 2};
    n.layers.push_back(std::make_unique<conv2d<Real>>(a, g, 4));
    n.layers.push_back(std::make_unique<relu<Real>>(c1 * side * side));
    n.layers.push_back(std::make_unique<maxpool2<Real>>(c1, side, side));
    const std::size_t s2 = side / 2;
    ops::conv_shape b{c1, s2, s2, c2, 5, 5, 1, 2};
    n.layers.push_back(std::make_unique<conv2d<Real>>(b, g, 8));
    n.layers.push_back(std::make_unique<relu<Real>>(c2 * s2 * s2));
    n.layers.push_back(std::make_unique<maxpool2<Real>>(c2, s2, s2));
    const std::size_t flat = c2 * (s2 / 2) * (s2 / 2);
    if (fc == 0) {
      n.layers.push_back(std::make_unique<linear<Real>>(flat, 10, g, 12));
    } else {
      n.layers.push_back(std::make_unique<linear<Real>>(flat, fc, g, 12));
      n.layers.push_back(std::make_unique<relu<Real>>(fc));
      n.layers.push_back(std::make_unique<linear<Real>>(fc, 10, g, 16));
    }
    return n;
  }
  const std::vector<Real>& forward(const Real* x, std::size_t B, const precision& p, context& ctx) {
    acts.resize(layers.size() + 1);
    acts[0].assign(x, x + B * in_size);
    for (std::size_t i = 0; i < layers.size(); ++i) layers[i]->forward(acts[i], acts[i + 1], B, p, ctx);
    return acts.back();
  }
  void backward(const std::vector<Real>& dlogits, std::size_t B, const precision& p, context& ctx) {
    grad_a = dlogits;
    if (!layers.empty()) layers[0]->input_grad = input_gradient;
    for (std::size_t i = layers.size(); i-- > 0;) {
      layers[i]->backward(grad_a, grad_b, B, p, ctx);
      std::swap(grad_a, grad_b);
    }
  }
  std::vector<param<Real>*> params() {
    std::vector<param<Real>*> out;
    for (auto& l : layers)
      for (auto* q : l->params()) out.push_back(q);
    return out;
  }
  std::vector<param<Real>*> weights() {
    std::vector<param<Real>*> out;
    for (auto& l : layers)
      if (auto* w = l->weight()) out.push_back(w);
    return out;
  }
  // SGD with momentum on the FP32 master weights; grads divided by the loss scale first.
  // Returns false (and updates nothing) when a gradient is not finite.
  bool sgd_step(double lr, double momentum, double weight_decay, double inv_scale) {
    auto ps = params();
    for (auto* q : ps)
      for (Real g : q->grad)
        if (!std::isfinite(double(g))) return false;
    for (auto* q : ps)
      for (std::size_t i = 0; i < q->value.size(); ++i) {
        const double g = double(q->grad[i]) * inv_scale + weight_decay * double(q->value[i]);
        q->velocity[i] = Real(momentum * double(q->velocity[i]) + g);
        q->value[i] = Real(double(q->value[i]) - lr * double(q->velocity[i]));
      }
    return true;
  }
};

}  // namespace flacc::nn
