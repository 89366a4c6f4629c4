// tools/accuracy/common.hpp: command-line options, progress bar, output folder, plots.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace flacc {

// --name value / --name=value / --flag options; unknown options are errors.
struct option_spec {
  std::string name, value_hint, help, default_value;
  bool flag = false;
};

class options {
 public:
  options(std::string command, std::string summary) : command_(std::move(command)), summary_(std::move(summary)) {}
  void add(std::string name, std::string hint, std::string def, std::string help) {
    specs_.push_back({std::move(name), std::move(hint), std::move(help), std::move(def), false});
  }
  void flag(std::string name, std::string help) { specs_.push_back({std::move(name), "", std::move(help), "", true}); }
  // Returns 0 to go on, 1 after --help (printed), 2 on an error (printed).
  int parse(int argc, char** argv, int first);
  std::string str(const std::string& name) const;
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  bool on(const std::string& name) const { return values_.count(name) && values_.at(name) != "0"; }
  double num(const std::string& name) const;
  long integer(const std::string& name) const;
  std::vector<std::string> list(const std::string& name) const;  // comma separated, <...> kept whole
  std::string help() const;
  bool ok = true;
  std::string error;

 private:
  std::string command_, summary_;
  std::vector<option_spec> specs_;
  std::map<std::string, std::string> values_;
};

std::vector<std::string> split_list(const std::string& s);
// "1e3", "10000", "1e7" -> size_t; false on junk.
bool parse_count(const std::string& s, std::size_t& out);

// A progress bar on stderr: "label [#####.....]  45%  1234 it/s  0:12 left".
class progress {
 public:
  progress(std::string label, double total);
  void update(double done);
  void finish();
  ~progress() { finish(); }

 private:
  std::string label_;
  double total_, done_ = 0;
  bool tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// The run folder: --out, else ./floatlab-accuracy-out/<UTC timestamp>-<command>.
std::filesystem::path make_run_dir(const std::string& out_option, const std::string& command, std::string& error);

// gnuplot: writes script to dir/name.gp and runs it (PNG). Returns false if gnuplot is
// missing or failed (the script and data stay, the summary says so).
bool run_gnuplot(const std::filesystem::path& dir, const std::string& name, const std::string& script, std::string& message);

std::string fmt_g(double x, int digits = 6);
std::string utc_now();

}  // namespace flacc
