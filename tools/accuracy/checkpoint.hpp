// tools/accuracy/checkpoint.hpp: the binary files of `train --checkpoint DIR` (one per run,
// written after every epoch, read by --resume). Host byte order: a checkpoint resumes on a
// machine of the same architecture (x86-64 here), as the weight digests compare. Every read
// is checked against the bytes left, so a truncated or corrupt file gives a clear error.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

namespace flacc::ckpt {

inline constexpr char magic[8] = {'F', 'L', 'A', 'C', 'K', 'P', 'T', '1'};

class writer {
 public:
  writer() { bytes_.insert(bytes_.end(), magic, magic + sizeof magic); }
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "put: a plain value");
    const auto* p = reinterpret_cast<const char*>(&v);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  template <class T>
  void put(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>, "put: a vector of plain values");
    put(std::uint64_t(v.size()));
    const auto* p = reinterpret_cast<const char*>(v.data());
    bytes_.insert(bytes_.end(), p, p + v.size() * sizeof(T));
  }
  void put(const std::string& s) {
    put(std::uint64_t(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  // Written to path + ".tmp", then renamed over path: a reader never sees half a file.
  bool save(const std::filesystem::path& path, std::string& err) const {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f.write(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
      if (!f) {
        err = "cannot write checkpoint " + tmp.string();
        return false;
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) err = "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
    return !ec;
  }

 private:
  std::vector<char> bytes_;
};

class reader {
 public:
  // False with the reason in err: missing, unreadable, or not a checkpoint.
  bool open(const std::filesystem::path& path, std::string& err) {
    path_ = path.string();
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      err = "cannot read checkpoint " + path_;
      return false;
    }
    bytes_.assign(std::istreambuf_iterator<char>(f), {});
    if (bytes_.size() < sizeof magic || std::memcmp(bytes_.data(), magic, sizeof magic) != 0) {
      err = path_ + " is not a floatlab-accuracy checkpoint (or of another version)";
      return false;
    }
    at_ = sizeof magic;
    return true;
  }
  template <class T>
  bool get(T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "get: a plain value");
    if (!take(sizeof(T))) return false;
    std::memcpy(&v, bytes_.data() + at_ - sizeof(T), sizeof(T));
    return true;
  }
  template <class T>
  bool get(std::vector<T>& v) {
    std::uint64_t n = 0;
    if (!get(n) || n > (bytes_.size() - at_) / sizeof(T)) return fail();
    v.resize(n);
    if (n) std::memcpy(v.data(), bytes_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
    return true;
  }
  bool get(std::string& s) {
    std::uint64_t n = 0;
    if (!get(n) || n > bytes_.size() - at_) return fail();
    s.assign(bytes_.data() + at_, n);
    at_ += n;
    return true;
  }
  bool at_end() const { return at_ == bytes_.size(); }
  bool truncated() const { return bad_; }
  const std::string& path() const { return path_; }

 private:
  bool take(std::size_t n) {
    if (n > bytes_.size() - at_) return fail();
    at_ += n;
    return true;
  }
  bool fail() {
    bad_ = true;
    return false;
  }
  std::vector<char> bytes_;
  std::size_t at_ = 0;
  bool bad_ = false;
  std::string path_;
};

}  // namespace flacc::ckpt
