// tools/accuracy/data.hpp: Fashion-MNIST (IDX files, gzip-compressed or plain).
//
// Files (Debian dataset-fashion-mnist, /usr/share/datasets/fashion-mnist):
// train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,
// t10k-labels-idx1-ubyte.gz; the same names without .gz are read too. IDX: big-endian
// magic 0x00000803 (images: count, rows, cols, then bytes) or 0x00000801 (labels: count,
// then bytes 0..9). Every check fails with a message naming the file and what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flacc {

struct dataset {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<float> images;         // count x rows x cols, pixel / 255
  std::vector<std::uint8_t> labels;  // count, 0..9
};

// Reads one images + labels pair; false with a message on any problem.
bool load_idx_pair(const std::string& images_path, const std::string& labels_path, dataset& out, std::string& error);
// dir/train-*, dir/t10k-* (".gz" or not).
bool load_fashion_mnist(const std::string& dir, dataset& train, dataset& test, std::string& error);

inline const char* default_fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

}  // namespace flacc
