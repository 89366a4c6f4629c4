// math_sweep32: every binary32 input (or a range / stride of them) of floatlab's exp, log,
// tanh and logistic (by default; --functions also exp2, expm1, log2, log1p, sin, cos, erf, or
// all) in nearest-even (or any of the six deterministic modes, --modes), against
// the oracle of oracle32.hpp (glibc in double with a 2^-40 margin, MPFR for the inputs next to
// a rounding boundary). Multithreaded.
//
//   g++ -std=c++17 -O2 -pthread -Iinclude tools/math_sweep32/math_sweep32.cpp -lmpfr -lgmp
//   ./math_sweep32 [--threads N] [--functions all|exp,log,tanh,logistic,exp2,...] [--first B]
//                  [--count C] [--stride S] [--oracle fast|mpfr] [--list-mpfr K]
//                  [--modes all|nearest_even,nearest_away,toward_zero,upward,downward,odd]
//
// Patterns first, first + S, ... (C of them, default: up to 2^32). --oracle mpfr skips the
// glibc step (every input through MPFR: slow, for cross-checks). --list-mpfr K prints the
// first K inputs per function that went to MPFR. Exit status 1 on any mismatch.
// run_device.sh builds and runs it on the 16-core machine.
#define FLOATLAB_MATH_COUNTERS 1
#include <floatlab/math.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "oracle32.hpp"

namespace fl = floatlab;
using sweep32::fn;
using sweep32::rmode;

namespace {

template <class Mode>
float floatlab_value(fn f, std::uint32_t b, Mode m) {
  const fl::binary32 x = fl::binary32::from_bits(b);
  fl::binary32 y;
  switch (f) {
    case fn::exp: y = fl::exp(x, m); break;
    case fn::log: y = fl::log(x, m); break;
    case fn::tanh: y = fl::tanh(x, m); break;
    case fn::logistic: y = fl::logistic(x, m); break;
    case fn::exp2: y = fl::exp2(x, m); break;
    case fn::expm1: y = fl::expm1(x, m); break;
    case fn::log2: y = fl::log2(x, m); break;
    case fn::log1p: y = fl::log1p(x, m); break;
    case fn::sin: y = fl::sin(x, m); break;
    case fn::cos: y = fl::cos(x, m); break;
    case fn::erf: y = fl::erf(x, m); break;
  }
  return sweep32::float_of(static_cast<std::uint32_t>(y.bits()));
}
float floatlab_value(fn f, std::uint32_t b, rmode m) {
  switch (m) {
    case rmode::nearest_even: return floatlab_value(f, b, fl::round::nearest_even{});
    case rmode::nearest_away: return floatlab_value(f, b, fl::round::nearest_away{});
    case rmode::toward_zero: return floatlab_value(f, b, fl::round::toward_zero{});
    case rmode::upward: return floatlab_value(f, b, fl::round::upward{});
    case rmode::downward: return floatlab_value(f, b, fl::round::downward{});
    case rmode::odd: return floatlab_value(f, b, fl::round::odd{});
  }
  return NAN;
}

struct totals {
  std::uint64_t inputs = 0, mismatches = 0, mpfr = 0;
  std::uint64_t calls = 0, fast_misses = 0, fallbacks = 0, unresolved = 0;
  void add(const totals& o) {
    inputs += o.inputs;
    mismatches += o.mismatches;
    mpfr += o.mpfr;
    calls += o.calls;
    fast_misses += o.fast_misses;
    fallbacks += o.fallbacks;
    unresolved += o.unresolved;
  }
};

struct options {
  unsigned threads = std::thread::hardware_concurrency();
  std::vector<fn> fns{sweep32::all_fns, sweep32::all_fns + 4};
  std::vector<rmode> modes{rmode::nearest_even};
  std::uint64_t first = 0, count = 0, stride = 1;
  bool mpfr_only = false;
  int list_mpfr = 0;
};

[[noreturn]] void usage() {
  std::fprintf(
      stderr,
      "usage: math_sweep32 [--threads N] [--functions all|exp,log,tanh,logistic,exp2,expm1,log2,log1p,sin,cos,erf]\n"
      "                    [--first B] [--count C]\n"
      "                    [--stride S] [--oracle fast|mpfr] [--list-mpfr K]\n"
      "                    [--modes all|nearest_even,nearest_away,toward_zero,upward,downward,odd]\n");
  std::exit(2);
}

// A comma-separated list of names out of all (sweep32::name of each).
template <class E, std::size_t N>
std::vector<E> parse_list(const std::string& s, const E (&all)[N]) {
  std::vector<E> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t end = s.find(',', pos) == std::string::npos ? s.size() : s.find(',', pos);
    const std::string n = s.substr(pos, end - pos);
    bool found = false;
    for (E e : all)
      if (n == sweep32::name(e)) out.push_back(e), found = true;
    if (!found) usage();
    pos = end + 1;
  }
  return out;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage();
    const char* v = argv[++i];
    if (a == "--threads")
      o.threads = static_cast<unsigned>(std::strtoul(v, nullptr, 0));
    else if (a == "--first")
      o.first = std::strtoull(v, nullptr, 0);
    else if (a == "--count")
      o.count = std::strtoull(v, nullptr, 0);
    else if (a == "--stride")
      o.stride = std::strtoull(v, nullptr, 0);
    else if (a == "--list-mpfr")
      o.list_mpfr = std::atoi(v);
    else if (a == "--oracle") {
      const std::string s = v;
      if (s != "fast" && s != "mpfr") usage();
      o.mpfr_only = s == "mpfr";
    } else if (a == "--functions") {
      o.fns = std::string(v) == "all" ? std::vector<fn>(std::begin(sweep32::all_fns), std::end(sweep32::all_fns))
                                      : parse_list<fn>(v, sweep32::all_fns);
    } else if (a == "--modes") {
      o.modes = std::string(v) == "all"
                    ? std::vector<rmode>(std::begin(sweep32::all_modes), std::end(sweep32::all_modes))
                    : parse_list<rmode>(v, sweep32::all_modes);
    } else {
      usage();
    }
  }
  if (o.threads == 0) o.threads = 1;
  if (o.stride == 0) usage();
  const std::uint64_t avail =
      o.first >= (std::uint64_t{1} << 32) ? 0 : ((std::uint64_t{1} << 32) - o.first + o.stride - 1) / o.stride;
  if (o.count == 0 || o.count > avail) o.count = avail;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  std::printf("math_sweep32 (MPFR %s): %u threads, patterns 0x%llx + k*%llu, k < %llu, oracle %s\n", mpfr_get_version(),
              o.threads, static_cast<unsigned long long>(o.first), static_cast<unsigned long long>(o.stride),
              static_cast<unsigned long long>(o.count), o.mpfr_only ? "MPFR only" : "glibc (margin 2^-40) + MPFR");
  bool any_mismatch = false;
  for (rmode m : o.modes)
    for (fn f : o.fns) {
      const auto t0 = std::chrono::steady_clock::now();
      constexpr std::uint64_t chunk = 1 << 16;
      std::atomic<std::uint64_t> next{0};
      std::mutex lock;
      totals all;
      int printed = 0, listed = 0;
      auto work = [&] {
        totals t;
        fl::math_counters() = {};
        for (;;) {
          const std::uint64_t k0 = next.fetch_add(chunk);
          if (k0 >= o.count) break;
          const std::uint64_t k1 = k0 + chunk < o.count ? k0 + chunk : o.count;
          for (std::uint64_t k = k0; k < k1; ++k) {
            const auto b = static_cast<std::uint32_t>(o.first + k * o.stride);
            const float x = sweep32::float_of(b);
            bool used_mpfr = true;
            const float want = o.mpfr_only ? sweep32::mpfr_reference(f, x, m) : sweep32::reference(f, x, m, used_mpfr);
            const float got = floatlab_value(f, b, m);
            ++t.inputs;
            if (used_mpfr) {
              ++t.mpfr;
              if (listed < o.list_mpfr) {
                const std::lock_guard<std::mutex> g(lock);
                if (listed++ < o.list_mpfr)
                  std::printf("  mpfr %s x=0x%08x (%a)\n", sweep32::name(f), b, static_cast<double>(x));
              }
            }
            if (!sweep32::same(want, got)) {
              ++t.mismatches;
              const std::lock_guard<std::mutex> g(lock);
              if (printed++ < 10)
                std::printf("  MISMATCH %s %s x=0x%08x (%a): floatlab 0x%08x, oracle 0x%08x\n", sweep32::name(f),
                            sweep32::name(m), b, static_cast<double>(x), sweep32::bits_of(got), sweep32::bits_of(want));
            }
          }
        }
        mpfr_free_cache();  // this thread's cached constants (log 2 ...)
        const auto c = fl::math_counters();
        t.calls = c.calls;
        t.fast_misses = c.fast_misses;
        t.fallbacks = c.fallbacks;
        t.unresolved = c.unresolved;
        const std::lock_guard<std::mutex> g(lock);
        all.add(t);
      };
      std::vector<std::thread> pool;
      for (unsigned i = 0; i < o.threads; ++i) pool.emplace_back(work);
      for (auto& th : pool) th.join();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf(
          "%-8s %-12s inputs %llu mismatches %llu oracle-mpfr %llu | floatlab: rounding tests %llu, double-step misses "
          "%llu, double-word fallbacks %llu, unresolved %llu | %.1f s\n",
          sweep32::name(f), sweep32::name(m), static_cast<unsigned long long>(all.inputs),
          static_cast<unsigned long long>(all.mismatches), static_cast<unsigned long long>(all.mpfr),
          static_cast<unsigned long long>(all.calls), static_cast<unsigned long long>(all.fast_misses),
          static_cast<unsigned long long>(all.fallbacks), static_cast<unsigned long long>(all.unresolved), s);
      std::fflush(stdout);
      any_mismatch = any_mismatch || all.mismatches != 0;
    }
  return any_mismatch ? 1 : 0;
}
