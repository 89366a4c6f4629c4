// tools/accuracy/data.cpp
#include "data.hpp"

#ifndef FLACC_NO_ZLIB
#include <zlib.h>
#endif

#include <filesystem>
#include <fstream>
#include <iterator>

namespace flacc {
namespace {

#ifdef FLACC_NO_ZLIB
// Built without zlib (FLACC_NO_ZLIB: the train-only build of examples/run_full_device.sh):
// plain IDX files only; a gzip file gets a message that says what to do.
bool read_all(const std::string& path, std::vector<unsigned char>& out, std::string& error) {
  if (!std::filesystem::exists(path)) {
    error = path + ": file not found";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = path + ": cannot open";
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  if (out.size() >= 2 && out[0] == 0x1f && out[1] == 0x8b) {
    error = path + ": gzip-compressed, and this build has no zlib: decompress it (gunzip) or build with zlib";
    return false;
  }
  return true;
}
#else
// Whole file through zlib (plain files pass through gzread unchanged).
bool read_all(const std::string& path, std::vector<unsigned char>& out, std::string& error) {
  if (!std::filesystem::exists(path)) {
    error = path + ": file not found";
    return false;
  }
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": cannot open";
    return false;
  }
  out.clear();
  unsigned char buf[1 << 16];
  for (;;) {
    const int r = gzread(f, buf, sizeof buf);
    if (r < 0) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      error = path + ": corrupt compressed data (" + std::string(msg ? msg : "zlib error") + ")";
      gzclose(f);
      return false;
    }
    if (r == 0) break;
    out.insert(out.end(), buf, buf + r);
    if (out.size() > (std::size_t{1} << 30)) {
      error = path + ": larger than 1 GiB, not an IDX file of Fashion-MNIST";
      gzclose(f);
      return false;
    }
  }
  // A gzip stream cut short reads as a clean end in some zlib versions: ask explicitly.
  int code = 0;
  gzerror(f, &code);
  const int close = gzclose(f);
  if (code != Z_OK && code != Z_STREAM_END) {
    error = path + ": corrupt or truncated compressed data";
    return false;
  }
  if (close == Z_BUF_ERROR) {
    error = path + ": truncated compressed file (the gzip stream ends early)";
    return false;
  }
  if (close != Z_OK) {
    error = path + ": corrupt compressed data (gzip check failed)";
    return false;
  }
  return true;
}
#endif

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

bool load_idx_pair(const std::string& images_path, const std::string& labels_path, dataset& out, std::string& error) {
  std::vector<unsigned char> img, lab;
  if (!read_all(images_path, img, error) || !read_all(labels_path, lab, error)) return false;
  if (img.size() < 16 || be32(img.data()) != 0x00000803u) {
    error = images_path + ": not an IDX image file (magic 0x00000803 expected" +
            (img.size() < 4 ? std::string(", file has ") + std::to_string(img.size()) + " bytes)" : ")");
    return false;
  }
  if (lab.size() < 8 || be32(lab.data()) != 0x00000801u) {
    error = labels_path + ": not an IDX label file (magic 0x00000801 expected)";
    return false;
  }
  const std::size_t n = be32(img.data() + 4), rows = be32(img.data() + 8), cols = be32(img.data() + 12);
  const std::size_t nl = be32(lab.data() + 4);
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096) {
    error = images_path + ": implausible image size " + std::to_string(rows) + " x " + std::to_string(cols);
    return false;
  }
  if (img.size() != 16 + n * rows * cols) {
    error = images_path + ": truncated or padded: header says " + std::to_string(n) + " images of " + std::to_string(rows) +
            "x" + std::to_string(cols) + " (" + std::to_string(16 + n * rows * cols) + " bytes), file has " +
            std::to_string(img.size());
    return false;
  }
  if (lab.size() != 8 + nl) {
    error = labels_path + ": truncated or padded: header says " + std::to_string(nl) + " labels, file has " +
            std::to_string(lab.size() - 8);
    return false;
  }
  if (nl != n) {
    error = images_path + " has " + std::to_string(n) + " images but " + labels_path + " has " + std::to_string(nl) + " labels";
    return false;
  }
  out.count = n;
  out.rows = rows;
  out.cols = cols;
  out.images.resize(n * rows * cols);
  for (std::size_t i = 0; i < out.images.size(); ++i) out.images[i] = float(img[16 + i]) / 255.0f;
  out.labels.assign(lab.begin() + 8, lab.end());
  for (std::size_t i = 0; i < n; ++i)
    if (out.labels[i] > 9) {
      error = labels_path + ": label " + std::to_string(out.labels[i]) + " at index " + std::to_string(i) +
              " is outside 0..9 (corrupt file)";
      return false;
    }
  return true;
}

bool load_fashion_mnist(const std::string& dir, dataset& train, dataset& test, std::string& error) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    error = dir + ": no such folder (Debian: apt-get install dataset-fashion-mnist, or pass --data DIR)";
    return false;
  }
  auto pick = [&](const std::string& base) {
    const fs::path gz = fs::path(dir) / (base + ".gz"), plain = fs::path(dir) / base;
#ifdef FLACC_NO_ZLIB
    return fs::exists(plain) || !fs::exists(gz) ? plain.string() : gz.string();
#else
    return fs::exists(gz) || !fs::exists(plain) ? gz.string() : plain.string();
#endif
  };
  return load_idx_pair(pick("train-images-idx3-ubyte"), pick("train-labels-idx1-ubyte"), train, error) &&
         load_idx_pair(pick("t10k-images-idx3-ubyte"), pick("t10k-labels-idx1-ubyte"), test, error);
}

}  // namespace flacc
