// tools/accuracy/common.cpp
#include "common.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace flacc {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == ',' && depth == 0) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool parse_count(const std::string& s, std::size_t& out) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || !(v >= 1) || v > 1e12 || v != std::floor(v)) return false;
  out = static_cast<std::size_t>(v);
  return true;
}

int options::parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", help().c_str());
      return 1;
    }
    if (a.rfind("--", 0) != 0) {
      std::fprintf(stderr, "floatlab-accuracy %s: unexpected argument '%s' (see --help)\n", command_.c_str(), a.c_str());
      return 2;
    }
    std::string name = a.substr(2), value;
    const auto eq = name.find('=');
    bool has_value = false;
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const option_spec* spec = nullptr;
    for (const auto& s : specs_)
      if (s.name == name) spec = &s;
    if (!spec) {
      std::fprintf(stderr, "floatlab-accuracy %s: unknown option --%s (see --help)\n", command_.c_str(), name.c_str());
      return 2;
    }
    if (spec->flag) {
      values_[name] = has_value ? value : "1";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "floatlab-accuracy %s: --%s needs a value (%s)\n", command_.c_str(), name.c_str(),
                     spec->value_hint.c_str());
        return 2;
      }
      value = argv[++i];
    }
    values_[name] = value;
  }
  for (const auto& s : specs_)
    if (!s.flag && !values_.count(s.name) && !s.default_value.empty()) values_[s.name] = s.default_value;
  return 0;
}

std::string options::str(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}
double options::num(const std::string& name) const { return std::strtod(str(name).c_str(), nullptr); }
long options::integer(const std::string& name) const { return std::strtol(str(name).c_str(), nullptr, 10); }
std::vector<std::string> options::list(const std::string& name) const { return split_list(str(name)); }

std::string options::help() const {
  std::ostringstream o;
  o << "usage: floatlab-accuracy " << command_ << " [options]\n\n" << summary_ << "\n\noptions:\n";
  for (const auto& s : specs_) {
    std::string head = "  --" + s.name + (s.flag ? "" : " " + s.value_hint);
    o << head << "\n";
    // wrap help at ~90 columns, indented
    std::istringstream words(s.help + (s.default_value.empty() ? "" : " (default: " + s.default_value + ")"));
    std::string w, line = "      ";
    while (words >> w) {
      if (line.size() + w.size() + 1 > 94) {
        o << line << "\n";
        line = "      ";
      }
      line += (line.size() > 6 ? " " : "") + w;
    }
    o << line << "\n";
  }
  o << "  --help\n      this text\n";
  return o.str();
}

progress::progress(std::string label, double total)
    : label_(std::move(label)), total_(total > 0 ? total : 1), tty_(isatty(2) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

static std::string clock_text(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const long t = std::lround(s);
  char b[32];
  if (t >= 3600) std::snprintf(b, sizeof b, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(b, sizeof b, "%ld:%02ld", t / 60, t % 60);
  return b;
}

void progress::update(double done) {
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (tty_ ? 0.25 : 10.0) && done < total_) return;
  last_ = now;
  const double el = std::chrono::duration<double>(now - start_).count();
  const double rate = el > 0 ? done / el : 0;
  const double left = rate > 0 ? (total_ - done) / rate : -1;
  const int width = 30, fill = static_cast<int>(width * std::min(1.0, done / total_));
  std::string bar(fill, '#');
  bar += std::string(width - fill, '.');
  std::fprintf(stderr, "%s%-24s [%s] %3.0f%%  %.3g/s  %s elapsed  %s left%s", tty_ ? "\r" : "", label_.c_str(), bar.c_str(),
               100.0 * done / total_, rate, clock_text(el).c_str(), clock_text(left).c_str(), tty_ ? "   " : "\n");
  std::fflush(stderr);
}

void progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (done_ < total_) {
    last_ = std::chrono::steady_clock::time_point{};
    update(total_);
  }
  if (tty_) std::fprintf(stderr, "\n");
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y%m%d-%H%M%S", &tm);
  return b;
}

std::filesystem::path make_run_dir(const std::string& out_option, const std::string& command, std::string& error) {
  namespace fs = std::filesystem;
  fs::path dir = out_option.empty() ? fs::current_path() / "floatlab-accuracy-out" / (utc_now() + "-" + command)
                                    : fs::path(out_option);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create output folder " + dir.string() + ": " + ec.message();
    return {};
  }
  return fs::absolute(dir);
}

bool run_gnuplot(const std::filesystem::path& dir, const std::string& name, const std::string& script, std::string& message) {
  const auto gp = dir / (name + ".gp");
  {
    std::ofstream f(gp);
    f << script;
  }
  static const bool have = std::system("command -v gnuplot >/dev/null 2>&1") == 0;
  if (!have) {
    message = "gnuplot not found: " + gp.string() + " not rendered (apt-get install gnuplot-nox)";
    return false;
  }
  const std::string cmd = "cd '" + dir.string() + "' && gnuplot '" + name + ".gp' 2>'" + name + ".gnuplot.log'";
  if (std::system(cmd.c_str()) != 0) {
    message = "gnuplot failed on " + gp.string() + " (see " + name + ".gnuplot.log)";
    return false;
  }
  std::filesystem::remove(dir / (name + ".gnuplot.log"));
  return true;
}

std::string fmt_g(double x, int digits) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*g", digits, x);
  return b;
}

}  // namespace flacc
