#include <floatlab/floatlab.hpp>

int main() {
  const floatlab::binary16 x{1.5};
  return static_cast<double>(x * x) == 2.25 ? 0 : 1;
}
