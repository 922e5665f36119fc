#include "findings.h"

#include <algorithm>
#include <cstring>

namespace gpuos::emu {

std::string format_thread_set(std::vector<std::uint32_t> threads) {
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  std::string out;
  std::size_t i = 0;
  while (i < threads.size()) {
    std::size_t j = i;
    while (j + 1 < threads.size() && threads[j + 1] == threads[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(threads[i]);
    if (j > i) out += "-" + std::to_string(threads[j]);
    i = j + 1;
  }
  return out;
}

std::string short_file(const char* path) {
  if (!path || !*path) return "<unknown file>";
  const char* slash = std::strrchr(path, '/');
  return slash ? std::string(slash + 1) : std::string(path);
}

std::string format_site(const gpuos_source_site* site) {
  if (!site) return "<unknown location>";
  return short_file(site->file) + ":" + std::to_string(site->line);
}

std::string format_site_with_path(const gpuos_source_site* site, const std::vector<const gpuos_source_site*>& path) {
  std::string out = format_site(site);
  if (path.empty()) return out;
  // Innermost call first, so the line reads like a backtrace.
  out += " (in a helper called at ";
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    if (it != path.rbegin()) out += ", from ";
    out += format_site(*it);
  }
  return out + ")";
}

}  // namespace gpuos::emu
