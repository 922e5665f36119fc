// gpuos-msl-translate: preprocessed MSL on stdin (or a file) -> C++ on stdout, diagnostics on
// stderr. The Node package drives the same translator through the addon; this command exists for
// builds without Node (the CUDA build on a GPU machine) and for looking at what a kernel becomes.
#include <fstream>
#include <iostream>
#include <sstream>

#include "translator.h"

int main(int argc, char** argv) {
  gpuos::translate::TranslateOptions options;
  if (argc >= 3 && std::string(argv[1]) == "--target") {
    const std::string target = argv[2];
    if (target != "cpu" && target != "cuda") {
      std::cerr << "gpuos-msl-translate: --target is cpu or cuda, got " << target << "\n";
      return 2;
    }
    options.target = target == "cuda" ? gpuos::translate::Target::kCuda : gpuos::translate::Target::kCpu;
    argv += 2;
    argc -= 2;
  }
  if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help"))) {
    std::cerr << "usage: gpuos-msl-translate [--target cpu|cuda] [preprocessed.metal.ii]   (reads stdin without a file)\n"
                 "Preprocess first: c++ -E -x c++ -nostdinc -D__METAL_VERSION__=310 -I native/msl/preprocess k.metal\n";
    return 2;
  }
  std::stringstream buffer;
  std::string name = "<stdin>";
  if (argc == 2) {
    std::ifstream file(argv[1]);
    if (!file) {
      std::cerr << "gpuos-msl-translate: cannot read " << argv[1] << "\n";
      return 2;
    }
    buffer << file.rdbuf();
    name = argv[1];
  } else {
    buffer << std::cin.rdbuf();
  }
  options.source_name = name;
  const auto result = gpuos::translate::translate_msl(buffer.str(), options);
  for (const auto& d : result.diagnostics) {
    std::cerr << d.file << ":" << d.line << ":" << d.column << ": error: " << d.message << "\n";
  }
  if (!result.ok) return 1;
  std::cout << result.cpp;
  return 0;
}
