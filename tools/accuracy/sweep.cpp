// tools/accuracy/sweep.cpp: `floatlab-accuracy sweep`.
#include "sweep.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "common.hpp"
#include "exact.hpp"
#include "ops.hpp"

namespace flacc {

bool valid_distribution(const std::string& d) {
  return d == "uniform" || d == "normal" || d == "wide" || d == "overflow" || d == "underflow";
}

void make_data(const std::string& dist, const format_info& f, std::size_t n, std::size_t n_max, bool product,
               std::uint64_t seed, std::vector<double>& x) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> nd(0.0, 1.0);
  x.resize(n);
  // Block and MX formats carry floats: their overflow/underflow are binary32's.
  const bool scalar = f.fam == family::cfloat || f.fam == family::fixed || f.fam == family::expansion;
  const double maxv = scalar ? f.max_finite : 3.4028234663852886e38;
  const double minn = scalar ? f.min_normal : 1.1754943508222875e-38;
  double scale = 1;
  if (dist == "overflow") scale = product ? std::sqrt(maxv * 8.0 / double(n_max)) : maxv * 8.0 / double(n_max);
  if (dist == "underflow") scale = product ? std::sqrt(minn) * 2.0 : minn * 2.0;
  for (auto& v : x) {
    if (dist == "uniform") v = u(g);
    else if (dist == "normal") v = nd(g);
    else if (dist == "wide") v = std::exp2(-30.0 + 50.0 * u(g));
    else if (dist == "overflow") v = (0.5 + 0.5 * u(g)) * scale;
    else v = u(g) * scale;
  }
}

std::string describe_result(const format_info& f, double value, double exact) {
  if (std::isnan(value)) {
    if (f.fam == family::cfloat && !f.has_inf && f.has_nan && std::fabs(exact) > f.max_finite)
      return "overflow: NaN (" + f.name + " has no infinity; its overflow gives NaN)";
    if (std::fabs(exact) > f.max_finite && f.max_finite > 0) return "overflow: NaN";
    return "NaN although the exact result is finite (an intermediate overflowed)";
  }
  if (std::isinf(value))
    return std::fabs(exact) > f.max_finite ? "overflow: infinity"
                                           : "infinity although the exact result is finite (an intermediate overflowed)";
  if (f.fam == family::cfloat || f.fam == family::fixed) {
    if (f.saturates && std::fabs(value) == f.max_finite && std::fabs(exact) > f.max_finite) return "saturated at max finite";
  }
  return "";
}

std::vector<measurement> measure_reduction(const any_format& f, const mode_spec& m, task_kind t, const std::vector<double>& x,
                                           const std::vector<double>& y, const std::vector<std::size_t>& cuts,
                                           std::uint64_t seed) {
  const format_info& info = f.info();
  const std::size_t n = cuts.empty() ? 0 : cuts.back();
  std::vector<measurement> out(cuts.size());
  scalar_format::terms terms;
  std::vector<double> qx(n), qy(t == task_kind::dot ? n : 0);
  if (f.scalar) {
    const mode_spec nearest{};
    for (std::size_t i = 0; i < n; ++i) qx[i] = f.scalar->quantize(x[i], nearest, 0);
    for (std::size_t i = 0; i < qy.size(); ++i) qy[i] = f.scalar->quantize(y[i], nearest, 0);
    if (t == task_kind::sum) f.scalar->sum(x.data(), n, m, seed, cuts, terms);
    else f.scalar->dot(x.data(), y.data(), n, m, seed, cuts, terms);
  } else {
    // Block formats: inputs block-quantized (as floats) in mode m, then products and sums
    // exact and one rounding to binary32 (the semantics of block_dot and mx::dot_general).
    std::vector<float> fx(x.begin(), x.begin() + static_cast<long>(n)), fy;
    ops::quantize(fx.data(), n, f, m, seed, 0);
    qx.assign(fx.begin(), fx.end());
    if (t == task_kind::dot) {
      fy.assign(y.begin(), y.begin() + static_cast<long>(n));
      ops::quantize(fy.data(), n, f, m, seed, 1);
      qy.assign(fy.begin(), fy.end());
    }
    terms.assign(4 * cuts.size(), 0.0);
    exact_sum acc(exact_bits_for(qx.data(), t == task_kind::dot ? qy.data() : nullptr, n));
    std::size_t c = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (t == task_kind::sum) acc.add(qx[i]);
      else acc.add_product(qx[i], qy[i]);
      while (c < cuts.size() && cuts[c] == i + 1) terms[4 * c++] = double(acc.value_float());
    }
  }
  const double* yy = t == task_kind::dot ? y.data() : nullptr;
  const double* qyy = t == task_kind::dot ? qy.data() : nullptr;
  exact_sum ref(exact_bits_for(x.data(), yy, n)), aref(exact_bits_for(qx.data(), qyy, n));
  std::size_t c = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (t == task_kind::sum) {
      ref.add(x[i]);
      aref.add(qx[i]);
    } else {
      ref.add_product(x[i], y[i]);
      aref.add_product(qx[i], qy[i]);
    }
    while (c < cuts.size() && cuts[c] == i + 1) {
      measurement& r = out[c];
      const double* tm = &terms[4 * c];
      r.value = tm[0] + tm[1] + tm[2] + tm[3];
      r.exact = ref.value();
      r.status = describe_result(info, r.value, r.exact);
      if (std::isfinite(r.value)) {
        r.rel_error = ref.rel_error(tm, 4);
        r.arith_error = aref.rel_error(tm, 4);
        const double u = ulp_of(info, r.exact);
        r.ulp_error = u > 0 ? ref.abs_error(tm, 4) / u : 0;
      } else {
        r.rel_error = r.arith_error = r.ulp_error = std::nan("");
      }
      ++c;
    }
  }
  return out;
}

namespace {

// GEMM / convolution: normwise relative error ||C - C*||_F / ||C*||_F against exact C*.
measurement measure_matrix(const any_format& f, const mode_spec& m, task_kind t, std::size_t size_param, std::size_t mn,
                           const std::string& dist, std::uint64_t seed, std::size_t k_max) {
  const format_info& info = f.info();
  std::size_t M, N, K;
  ops::conv_shape cs;
  if (t == task_kind::gemm) {
    M = N = mn;
    K = size_param;
  } else {
    cs.cin = size_param;
    cs.h = cs.w = 12;
    cs.cout = 4;
    M = cs.cout;
    N = cs.out_h() * cs.out_w();
    K = cs.k();
  }
  std::vector<double> A, B;
  make_data(dist, info, M * K, k_max, true, seed, A);
  make_data(dist, info, t == task_kind::gemm ? K * N : cs.cin * cs.h * cs.w, k_max, true, seed + 7777, B);
  std::vector<double> Bm;  // the k x N matrix (im2col for convolution)
  if (t == task_kind::gemm) Bm = B;
  else {
    Bm.resize(K * N);
    ops::im2col(B.data(), cs, Bm.data());
  }
  std::vector<double> C(M * N), QA = A, QB = Bm;
  if (f.scalar) {
    ops::gemm_formats gf{f.scalar.get(), f.scalar.get(), f.scalar.get(), m, m, false};
    if (t == task_kind::gemm) ops::gemm(A.data(), Bm.data(), C.data(), M, N, K, gf, seed);
    else ops::conv2d(B.data(), A.data(), C.data(), cs, gf, seed);
    const mode_spec nearest{};
    for (auto& v : QA) v = f.scalar->quantize(v, nearest, 0);
    for (auto& v : QB) v = f.scalar->quantize(v, nearest, 0);
  } else {
    std::vector<float> fa(A.begin(), A.end()), fb(Bm.begin(), Bm.end());
    ops::quantize(fa.data(), fa.size(), f, m, seed, 0);
    ops::quantize(fb.data(), fb.size(), f, m, seed, 1);
    QA.assign(fa.begin(), fa.end());
    QB.assign(fb.begin(), fb.end());
  }
  // Exact C*, and ||C - C*||, ||C*|| (each error element exact in MPFR, then squared in double).
  double num = 0, den = 0;
  bool finite = true;
  double worst_value = 0, worst_exact = 0;
  exact_sum e;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      if (!f.scalar) {
        exact_sum q;
        for (std::size_t k = 0; k < K; ++k) q.add_product(QA[i * K + k], QB[k * N + j]);
        C[i * N + j] = double(q.value_float());
      }
      e.clear();
      for (std::size_t k = 0; k < K; ++k) e.add_product(A[i * K + k], Bm[k * N + j]);
      const double c = C[i * N + j];
      if (!std::isfinite(c)) {
        if (finite) {
          worst_value = c;
          worst_exact = e.value();
        }
        finite = false;
        continue;
      }
      const double d = e.abs_error(&c, 1), x = e.value();
      num += d * d;
      den += x * x;
    }
  measurement r;
  if (!finite) {
    r.status = describe_result(info, worst_value, worst_exact);
    if (r.status.empty()) r.status = "non-finite result";
    r.rel_error = r.arith_error = r.ulp_error = std::nan("");
    return r;
  }
  r.rel_error = den > 0 ? std::sqrt(num / den) : 0;
  // Against the inputs as the format holds them.
  double an = 0, ad = 0;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      e.clear();
      for (std::size_t k = 0; k < K; ++k) e.add_product(QA[i * K + k], QB[k * N + j]);
      const double c = C[i * N + j];
      const double d = e.abs_error(&c, 1), x = e.value();
      an += d * d;
      ad += x * x;
    }
  r.arith_error = ad > 0 ? std::sqrt(an / ad) : 0;
  r.ulp_error = 0;
  return r;
}

struct key {
  std::string task, dist, format, mode;
  std::size_t n;
  bool operator<(const key& o) const {
    return std::tie(task, dist, format, mode, n) < std::tie(o.task, o.dist, o.format, o.mode, o.n);
  }
};

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

const char* task_name(task_kind t) {
  switch (t) {
    case task_kind::sum: return "sum";
    case task_kind::dot: return "dot";
    case task_kind::gemm: return "gemm";
    default: return "conv";
  }
}

}  // namespace

int sweep_main(int argc, char** argv) {
  options o("sweep",
            "Error against MPFR of recursive summation, dot products, GEMM and 2-D convolution, for each\n"
            "format and rounding mode, on chosen input distributions, repeated over seeds. Writes\n"
            "sweep_runs.csv (every run), sweep_summary.csv (median and spread), one PNG per task and\n"
            "distribution (error against n, one line per format and mode) and summary.md.");
  o.add("formats", "LIST", "binary16,bfloat16,tf32,e5m2,e4m3,binary32",
        "comma-separated formats: " + format_names_help());
  o.add("modes", "LIST", "nearest,stochastic<16>",
        "rounding modes of the arithmetic (inputs are rounded to nearest): nearest, nearest_away, toward_zero, "
        "upward, downward, odd, stochastic<R> (R random bits, 1..32). Expansions run nearest only.");
  o.add("tasks", "LIST", "sum,dot,gemm,conv",
        "sum: recursive sum s += x_i; dot: s += x_i*y_i (product rounded, then the sum); gemm: C = A B with "
        "inputs, products and sums in the format, x-axis = inner dimension k; conv: 3x3 convolution, 12x12 "
        "image, 4 output channels, x-axis = input channels");
  o.add("dist", "LIST", "uniform",
        "input distributions: uniform U[0,1); normal N(0,1); wide (positive, log-uniform 2^-30..2^20); overflow "
        "(scaled per format so the sum passes its largest finite value at about a sixth of the largest n, or a quarter of the largest k); underflow (U[0,1) "
        "times twice the smallest normal of the format)");
  o.add("n", "LIST", "1e2,1e3,1e4,1e5,1e6", "lengths of the sums and dot products (prefixes of one run; up to 1e7)");
  o.add("gemm-k", "LIST", "16,64,256,1024", "inner dimensions k of the GEMMs");
  o.add("gemm-mn", "N", "8", "GEMM output size: C is N x N");
  o.add("conv-c", "LIST", "1,4,16,32", "input channel counts of the convolutions");
  o.add("reps", "N", "5", "repetitions: each draws new data (seed + rep) and new rounding words");
  o.add("seed", "N", "1", "base seed: the same seed gives the same CSV");
  o.add("threads", "N", std::to_string(std::max(1u, std::thread::hardware_concurrency())), "worker threads");
  o.add("out", "DIR", "", "output folder (default ./floatlab-accuracy-out/<UTC time>-sweep)");
  o.flag("no-plots", "write CSV and summary.md only");
  if (int r = o.parse(argc, argv, 2)) return r == 1 ? 0 : 2;

  // ---- validate everything before any work
  std::vector<any_format> formats;
  std::vector<std::string> fnames = o.list("formats");
  std::string err;
  for (const auto& n : fnames) {
    formats.push_back(make_format(n, err));
    if (!formats.back()) {
      std::fprintf(stderr, "floatlab-accuracy sweep: %s\n", err.c_str());
      return 2;
    }
  }
  std::vector<mode_spec> modes;
  for (const auto& n : o.list("modes")) {
    mode_spec m;
    if (!parse_mode(n, m, err)) {
      std::fprintf(stderr, "floatlab-accuracy sweep: %s\n", err.c_str());
      return 2;
    }
    modes.push_back(m);
  }
  std::vector<task_kind> tasks;
  for (const auto& t : o.list("tasks")) {
    if (t == "sum") tasks.push_back(task_kind::sum);
    else if (t == "dot") tasks.push_back(task_kind::dot);
    else if (t == "gemm") tasks.push_back(task_kind::gemm);
    else if (t == "conv") tasks.push_back(task_kind::conv);
    else {
      std::fprintf(stderr, "floatlab-accuracy sweep: unknown task '%s' (sum, dot, gemm, conv)\n", t.c_str());
      return 2;
    }
  }
  std::vector<std::string> dists = o.list("dist");
  for (const auto& d : dists)
    if (!valid_distribution(d)) {
      std::fprintf(stderr, "floatlab-accuracy sweep: unknown distribution '%s' (uniform, normal, wide, overflow, underflow)\n",
                   d.c_str());
      return 2;
    }
  auto counts = [&](const char* name, std::vector<std::size_t>& v, std::size_t limit) {
    for (const auto& s : o.list(name)) {
      std::size_t c;
      if (!parse_count(s, c) || c > limit) {
        std::fprintf(stderr, "floatlab-accuracy sweep: --%s: '%s' is not an integer in 1..%zu\n", name, s.c_str(), limit);
        return false;
      }
      v.push_back(c);
    }
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return !v.empty();
  };
  std::vector<std::size_t> ns, ks, cs;
  std::size_t mn = 0, reps = 0;
  if (!counts("n", ns, 100000000) || !counts("gemm-k", ks, 100000) || !counts("conv-c", cs, 4096)) return 2;
  if (!parse_count(o.str("gemm-mn"), mn) || !parse_count(o.str("reps"), reps) || mn > 4096) {
    std::fprintf(stderr, "floatlab-accuracy sweep: --gemm-mn and --reps must be positive integers\n");
    return 2;
  }
  const std::uint64_t seed = static_cast<std::uint64_t>(o.integer("seed"));
  const unsigned threads = static_cast<unsigned>(std::max(1L, o.integer("threads")));
  std::filesystem::path dir = make_run_dir(o.str("out"), "sweep", err);
  if (dir.empty()) {
    std::fprintf(stderr, "floatlab-accuracy sweep: %s\n", err.c_str());
    return 2;
  }
  std::printf("floatlab-accuracy sweep: %zu formats x %zu modes x %zu tasks x %zu distributions x %zu reps -> %s\n",
              formats.size(), modes.size(), tasks.size(), dists.size(), reps, dir.string().c_str());
  std::fflush(stdout);

  // ---- jobs: (task, dist, format, rep), all modes inside; cost estimates for the bar
  struct job {
    task_kind task;
    std::string dist;
    std::size_t format, rep;
    double cost;
  };
  std::vector<job> jobs;
  for (task_kind t : tasks)
    for (const auto& d : dists)
      for (std::size_t f = 0; f < formats.size(); ++f)
        for (std::size_t r = 0; r < reps; ++r) {
          double cost = 0;
          if (t == task_kind::sum || t == task_kind::dot) cost = double(ns.back()) * (double(modes.size()) + 4);
          else if (t == task_kind::gemm)
            for (auto k : ks) cost += double(mn * mn * k) * (double(modes.size()) + 4);
          else
            for (auto c : cs) cost += double(4 * 144 * 9 * c) * (double(modes.size()) + 4);
          jobs.push_back({t, d, f, r, cost});
        }
  double total = 0;
  for (auto& j : jobs) total += j.cost;

  struct row {
    std::string task, dist, format, mode;
    std::size_t n, rep;
    std::uint64_t seed;
    measurement m;
  };
  std::vector<row> rows;
  std::mutex mu;
  std::atomic<std::size_t> next{0};
  std::atomic<double> done{0};
  progress bar("sweep", total);
  auto worker = [&] {
    for (;;) {
      const std::size_t ji = next++;
      if (ji >= jobs.size()) return;
      const job& j = jobs[ji];
      const any_format& f = formats[j.format];
      const std::uint64_t s = seed * 1000003u + j.rep;
      std::vector<row> local;
      if (j.task == task_kind::sum || j.task == task_kind::dot) {
        std::vector<double> x, y;
        make_data(j.dist, f.info(), ns.back(), ns.back(), j.task == task_kind::dot, s, x);
        if (j.task == task_kind::dot) make_data(j.dist, f.info(), ns.back(), ns.back(), true, s + 99991, y);
        for (const auto& m : modes) {
          if (f.scalar && !f.scalar->supports(m)) continue;
          auto ms = measure_reduction(f, m, j.task, x, y, ns, s);
          for (std::size_t c = 0; c < ns.size(); ++c)
            local.push_back({task_name(j.task), j.dist, f.info().name, m.name(), ns[c], j.rep, s, ms[c]});
        }
      } else {
        const auto& sizes = j.task == task_kind::gemm ? ks : cs;
        const std::size_t sz_max = sizes.back();
        for (const auto& m : modes) {
          if (f.scalar && !f.scalar->supports(m)) continue;
          for (auto sz : sizes)
            local.push_back({task_name(j.task), j.dist, f.info().name, m.name(), sz, j.rep, s,
                             measure_matrix(f, m, j.task, sz, mn, j.dist, s,
                                            j.task == task_kind::gemm ? sz_max : 9 * sz_max)});
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      rows.insert(rows.end(), local.begin(), local.end());
      done = done + j.cost;
      bar.update(done);
    }
  };
  {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  bar.finish();
  std::sort(rows.begin(), rows.end(), [](const row& a, const row& b) {
    return std::tie(a.task, a.dist, a.format, a.mode, a.n, a.rep) < std::tie(b.task, b.dist, b.format, b.mode, b.n, b.rep);
  });

  // ---- CSV of every run
  {
    std::ofstream f(dir / "sweep_runs.csv");
    f << "task,distribution,format,mode,n,rep,seed,value,exact,rel_error,arith_rel_error,ulp_error,status\n";
    for (const auto& r : rows) {
      auto num = [](double v) { return std::isfinite(v) ? fmt_g(v, 10) : std::string(); };
      f << r.task << "," << r.dist << ",\"" << r.format << "\"," << r.mode << "," << r.n << "," << r.rep << "," << r.seed << ","
        << (r.task == "sum" || r.task == "dot" ? num(r.m.value) + "," + num(r.m.exact) : std::string(",")) << ","
        << num(r.m.rel_error) << "," << num(r.m.arith_error) << "," << num(r.m.ulp_error) << ",\"" << r.m.status << "\"\n";
    }
  }
  // ---- summary: median and spread over reps
  struct stat {
    std::vector<double> rel, arith, ulp;
    std::size_t runs = 0, bad = 0;
    std::string status;
  };
  std::map<key, stat> stats;
  for (const auto& r : rows) {
    stat& s = stats[{r.task, r.dist, r.format, r.mode, r.n}];
    ++s.runs;
    if (std::isfinite(r.m.rel_error)) {
      s.rel.push_back(r.m.rel_error);
      s.arith.push_back(r.m.arith_error);
      s.ulp.push_back(r.m.ulp_error);
    } else {
      ++s.bad;
      s.status = r.m.status;
    }
    if (!r.m.status.empty() && s.status.empty()) s.status = r.m.status;
  }
  {
    std::ofstream f(dir / "sweep_summary.csv");
    f << "task,distribution,format,mode,n,runs,median_rel_error,q25,q75,min,max,median_arith_rel_error,median_ulp_error,"
         "non_finite_runs,note\n";
    for (const auto& [k, s] : stats) {
      auto num = [](double v) { return std::isfinite(v) ? fmt_g(v, 6) : std::string(); };
      std::string note = s.status;
      if (s.bad) note = s.status + " in " + std::to_string(s.bad) + "/" + std::to_string(s.runs) + " runs";
      f << k.task << "," << k.dist << ",\"" << k.format << "\"," << k.mode << "," << k.n << "," << s.runs << ","
        << num(quantile(s.rel, 0.5)) << "," << num(quantile(s.rel, 0.25)) << "," << num(quantile(s.rel, 0.75)) << ","
        << num(quantile(s.rel, 0)) << "," << num(quantile(s.rel, 1)) << "," << num(quantile(s.arith, 0.5)) << ","
        << num(quantile(s.ulp, 0.5)) << "," << s.bad << ",\"" << note << "\"\n";
    }
  }
  // ---- plots: one per (task, dist)
  std::vector<std::string> plot_lines, warnings, notes;
  for (task_kind t : tasks)
    for (const auto& d : dists) {
      const std::string name = std::string("sweep_") + task_name(t) + "_" + d;
      std::ofstream dat(dir / (name + ".dat"));
      std::vector<std::string> titles, styles;
      for (std::size_t fi = 0; fi < formats.size(); ++fi)
        for (std::size_t mi = 0; mi < modes.size(); ++mi) {
          const auto& fm = formats[fi];
          const auto& m = modes[mi];
          std::vector<std::string> lines;
          for (const auto& [k, s] : stats) {
            if (k.task != task_name(t) || k.dist != d || k.format != fm.info().name || k.mode != m.name()) continue;
            if (s.rel.empty()) continue;
            // log axes: a zero error is drawn at 1e-17 (below binary64's epsilon), said in summary.md
            auto clip = [](double v) { return std::max(v, 1e-17); };
            lines.push_back(std::to_string(k.n) + " " + fmt_g(clip(quantile(s.rel, 0.5))) + " " +
                            fmt_g(clip(quantile(s.rel, 0))) + " " + fmt_g(clip(quantile(s.rel, 1))));
          }
          if (lines.empty()) continue;
          if (!titles.empty()) dat << "\n\n";
          for (auto& l : lines) dat << l << "\n";
          titles.push_back(fm.info().name + " " + m.name());
          // colour per format, dash and point type per mode
          static const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                          "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"};
          styles.push_back("lc rgb '" + std::string(colours[fi % 12]) + "' dt " + std::to_string(1 + mi % 5) + " pt " +
                           std::to_string(1 + (mi * 2 + fi / 12) % 13));
        }
      for (const auto& [k, s] : stats)
        if (k.task == task_name(t) && k.dist == d && s.bad)
          notes.push_back("- " + std::string(task_name(t)) + ", " + d + ", " + k.format + " " + k.mode + ", n = " +
                          std::to_string(k.n) + ": " + s.status + " in " + std::to_string(s.bad) + "/" +
                          std::to_string(s.runs) + " runs (not plotted)");
      dat.close();
      if (o.on("no-plots") || titles.empty()) continue;
      const char* xl = t == task_kind::gemm ? "inner dimension k" : t == task_kind::conv ? "input channels (k = 9 x channels)" : "n";
      std::ostringstream gp;
      gp << "set terminal pngcairo size 1100,700 noenhanced font ',10'\nset output '" << name << ".png'\n"
         << "set logscale xy\nset format y '1e%T'\nset grid\nset key outside right top\n"
         << "set xlabel '" << xl << "'\nset ylabel 'relative error vs MPFR (median, bars: min..max over " << reps
         << " runs)'\nset title '" << task_name(t) << ", " << d << " inputs'\n";
      gp << "plot ";
      for (std::size_t i = 0; i < titles.size(); ++i)
        gp << (i ? ", \\\n     " : "") << "'" << name << ".dat' index " << i << " using 1:2:3:4 with yerrorlines lw 1.5 " << styles[i]
           << " title '" << titles[i] << "'";
      gp << "\n";
      std::string msg;
      if (run_gnuplot(dir, name, gp.str(), msg)) plot_lines.push_back(name);
      else warnings.push_back(msg);
    }
  // ---- summary.md
  {
    std::ofstream md(dir / "summary.md");
    md << "# floatlab-accuracy sweep\n\nCommand: `floatlab-accuracy";
    for (int i = 1; i < argc; ++i) md << " " << argv[i];
    md << "`\n\nFormats: ";
    for (std::size_t i = 0; i < formats.size(); ++i) md << (i ? ", " : "") << formats[i].info().name;
    md << ". Modes: ";
    for (std::size_t i = 0; i < modes.size(); ++i) md << (i ? ", " : "") << modes[i].name();
    md << ". Repetitions: " << reps << " (seed " << seed << ").\n\n"
       << "## How to read the plots\n\n"
       << "Each `sweep_<task>_<distribution>.png` shows, on log-log axes, the relative error |computed - exact| / |exact| "
          "of one task against the problem size, one line per format and rounding mode. The exact value is computed "
          "by MPFR from the double inputs, so the error includes the rounding of the inputs to the format. The line "
          "is the median over the repetitions; the bars span the smallest and largest error seen (the spread over "
          "seeds). Lower is better; a slope of 1/2 is the random-walk growth of unbiased rounding errors, a slope of "
          "1 the linear growth of the worst case. An error of 1 (100%) means the result lost all information, as a "
          "sum does when it stagnates: under round-to-nearest, once the running sum is so large that each new term is "
          "below half an ulp, the sum stops growing. Stochastic rounding keeps the expected value, so its error stays "
          "orders of magnitude lower. Errors that are exactly zero are drawn at 1e-17. Runs whose result overflowed "
          "(inf or NaN) are left out of the plots and listed below.\n\n"
       << "- sum: s_i = s_(i-1) + x_i, every addition rounded (x-axis: n).\n"
       << "- dot: s_i = s_(i-1) + x_i * y_i, the product rounded, then the addition (x-axis: n).\n"
       << "- gemm: C = A B (" << mn << " x " << mn << "), inputs, products and additions rounded to the format, k in "
                                               "order; normwise error ||C - C*||_F / ||C*||_F (x-axis: inner dimension k).\n"
       << "- conv: 3x3 convolution of a 12x12 image with padding 1 into 4 channels, as the GEMM of its im2col matrix "
          "(x-axis: input channels; the reduction length is 9 times that).\n"
       << "- Block fixed point and MX: the inputs are block-quantized in the mode (the error shown is that "
          "quantization); products and sums are exact and rounded once to binary32, as floatlab's block_dot and "
          "mx::dot_general do.\n\n"
       << "Distributions: uniform U[0,1), normal N(0,1), wide (log-uniform over 2^-30..2^20), overflow (scaled per "
          "format to pass its largest finite value at about a sixth of the largest n, a quarter of the largest k), underflow (near the format's smallest normal).\n\n"
       << "## Files\n\n- `sweep_runs.csv`: every run (value, exact value, relative error, error against the exact "
          "result on the rounded inputs `arith_rel_error`, error in ulps of the format at the exact value, status).\n"
       << "- `sweep_summary.csv`: per task, distribution, format, mode and size: median, quartiles, min and max of the "
          "relative error over the repetitions, and how many runs overflowed.\n";
    for (const auto& p : plot_lines) md << "- `" << p << ".png` (data `" << p << ".dat`, script `" << p << ".gp`)\n";
    for (const auto& w : warnings) md << "- note: " << w << "\n";
    md << "\n## Overflows\n\n";
    if (notes.empty()) md << "None: every result was finite.\n";
    for (const auto& n : notes) md << n << "\n";
    md << "\n## Medians at the largest size\n\n| task | distribution | format | mode | size | median rel. error | "
          "min .. max | note |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& [k, s] : stats) {
      const std::size_t biggest = k.task == "gemm" ? ks.back() : k.task == "conv" ? cs.back() : ns.back();
      if (k.n != biggest) continue;
      md << "| " << k.task << " | " << k.dist << " | " << k.format << " | " << k.mode << " | " << k.n << " | "
         << (s.rel.empty() ? "-" : fmt_g(quantile(s.rel, 0.5), 3)) << " | "
         << (s.rel.empty() ? "-" : fmt_g(quantile(s.rel, 0), 3) + " .. " + fmt_g(quantile(s.rel, 1), 3)) << " | "
         << (s.bad ? s.status + " (" + std::to_string(s.bad) + "/" + std::to_string(s.runs) + ")" : s.status) << " |\n";
    }
  }
  std::printf("wrote %s/summary.md, sweep_runs.csv, sweep_summary.csv and %zu plots\n", dir.string().c_str(),
              plot_lines.size());
  for (const auto& w : warnings) std::printf("note: %s\n", w.c_str());
  if (!notes.empty()) std::printf("%zu (task, format, mode, size) cases overflowed: listed in summary.md\n", notes.size());
  return 0;
}

}  // namespace flacc
