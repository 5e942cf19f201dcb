// octet-make-demo OUT.octet [--seed N]: writes the small default model.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "converter/writer/demo_model.h"

int main(int argc, char** argv) {
  const char* out = nullptr;
  uint32_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (argv[i][0] != '-' && out == nullptr) {
      out = argv[i];
    } else {
      std::fprintf(stderr, "usage: octet-make-demo OUT.octet [--seed N]\n");
      return 2;
    }
  }
  if (out == nullptr) {
    std::fprintf(stderr, "usage: octet-make-demo OUT.octet [--seed N]\n");
    return 2;
  }
  const octet::DemoModel model = octet::make_demo_model(seed);
  std::string error;
  if (!octet::write_demo_model(model).write_file(out, &error)) {
    std::fprintf(stderr, "octet-make-demo: %s\n", error.c_str());
    return 1;
  }
  std::printf("wrote %s (demo network, seed %u)\n", out, seed);
  return 0;
}
