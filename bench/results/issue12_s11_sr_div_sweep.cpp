// Every bfloat16 pair x / in stochastic<4> and <8>: the public API (div_e8_sr_q) against the
// integer kernel with words at the carry boundary of the path's own quotient: f' = the first R
// bits below bfloat16's last place of q = RN24(x / y); words 2^R - 1 - f' and 2^R - f' (top R
// bits) separate any kernel fraction f != f' (f > f': the first carries only in the kernel;
// f < f': the second only in the path), plus words 0 and all ones.
#include <floatlab/cfloat.hpp>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>
namespace fl = floatlab;
template <int R>
void sweep(unsigned a0, unsigned a1, std::atomic<unsigned long long>& cases, std::atomic<unsigned long long>& bad) {
  using Mode = fl::round::stochastic<R>;
  using F = fl::bfloat16::format_type;
  unsigned long long c = 0, m = 0;
  for (unsigned a = a0; a < a1; ++a) {
    const auto x = fl::bfloat16::from_bits(static_cast<std::uint16_t>(a));
    const auto ux = fl::detail::unpack<F>(a);
    for (unsigned b = 0; b < 65536; ++b) {
      const auto y = fl::bfloat16::from_bits(static_cast<std::uint16_t>(b));
      float q = fl::detail::decode_to<F, float>(a) / fl::detail::decode_to<F, float>(b);
      std::uint32_t qb;
      std::memcpy(&qb, &q, 4);
      const std::uint32_t mask = (1u << R) - 1, f = (qb >> (16 - R)) & mask;
      const std::uint32_t ws[4] = {(mask - f) << (32 - R), ((mask + 1 - f) & mask) << (32 - R), 0u, 0xFFFFFFFFu};
      const auto want0 = fl::detail::div(ux, fl::detail::unpack<F>(b));
      for (std::uint32_t w : ws) {
        fl::fixed_word src{w | (b * 2654435761u >> (R + 8))};
        const std::uint64_t got = fl::div(x, y, Mode{}, src).bits();
        const std::uint64_t want = fl::detail::finish<F, Mode>(want0, src.word);
        ++c;
        if (got != want) {
          if (m < 5) std::printf("mismatch R=%d a=%#x b=%#x w=%#x got %#llx want %#llx\n", R, a, b, src.word, (unsigned long long)got, (unsigned long long)want);
          ++m;
        }
      }
    }
  }
  cases += c;
  bad += m;
}
int main(int argc, char** argv) {
  const unsigned threads = argc > 1 ? std::atoi(argv[1]) : std::thread::hardware_concurrency();
  const unsigned lo = argc > 2 ? std::atoi(argv[2]) : 0, hi = argc > 3 ? std::atoi(argv[3]) : 65536;
  for (int r : {4, 8}) {
    std::atomic<unsigned long long> cases{0}, bad{0};
    std::vector<std::thread> t;
    const unsigned n = hi - lo;
    for (unsigned i = 0; i < threads; ++i) {
      const unsigned a0 = lo + n * i / threads, a1 = lo + n * (i + 1) / threads;
      t.emplace_back([&, a0, a1] { r == 4 ? sweep<4>(a0, a1, cases, bad) : sweep<8>(a0, a1, cases, bad); });
    }
    for (auto& th : t) th.join();
    std::printf("bfloat16 stochastic<%d> div, a in [%u, %u) x every b x 4 words: %llu cases, %llu mismatches\n", r, lo, hi,
                (unsigned long long)cases, (unsigned long long)bad);
  }
}
