#include "benchmarks/bench/inputs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "converter/io/npy.h"

namespace octet::bench {

namespace {

bool ends_with_npy(const std::string& s) {
  if (s.size() < 4) return false;
  std::string tail = s.substr(s.size() - 4);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".npy";
}

bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Shapes equal once leading 1s are dropped from both.
bool same_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  auto strip = [](const std::vector<int64_t>& v) {
    size_t i = 0;
    while (i < v.size() && v[i] == 1) ++i;
    return std::vector<int64_t>(v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  };
  return strip(a) == strip(b);
}

bool read_input(const std::string& path, const TensorDesc& in, std::vector<float>* data, std::string* error) {
  cvt::Tensor t;
  if (ends_with_npy(path)) {
    if (!cvt::read_npy(path, &t, error)) return false;
    if (!same_shape(t.shape, in.dims)) {
      *error = path + ": input '" + in.name + "' has shape " + cvt::shape_str(in.dims) + "; the file has " +
               cvt::shape_str(t.shape);
      return false;
    }
  } else if (!cvt::read_raw_f32(path, in.dims, &t, error)) {
    *error += " (input '" + in.name + "' " + cvt::shape_str(in.dims) + ")";
    return false;
  }
  *data = t.to_floats();
  return true;
}

}  // namespace

bool make_inputs(const std::vector<TensorDesc>& inputs, const std::vector<std::string>& args,
                 std::vector<std::vector<float>>* data, std::string* error) {
  std::vector<std::string> files(inputs.size());
  for (const std::string& arg : args) {
    if (inputs.empty()) {
      *error = "--input " + arg + ": the model has no inputs";
      return false;
    }
    size_t index = 0;
    std::string file = arg;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos && !is_file(arg)) {
      const std::string name = arg.substr(0, eq);
      auto it = std::find_if(inputs.begin(), inputs.end(), [&](const TensorDesc& d) { return d.name == name; });
      if (it == inputs.end()) {
        std::string names;
        for (const TensorDesc& d : inputs) names += (names.empty() ? "'" : ", '") + d.name + "'";
        *error = "--input " + arg + ": the model has no input '" + name + "' (inputs: " + names + ")";
        return false;
      }
      index = static_cast<size_t>(it - inputs.begin());
      file = arg.substr(eq + 1);
    }
    if (!files[index].empty()) {
      *error = "input '" + inputs[index].name + "' is given twice";
      return false;
    }
    files[index] = file;
  }
  data->assign(inputs.size(), {});
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!files[i].empty()) {
      if (!read_input(files[i], inputs[i], &(*data)[i], error)) return false;
      continue;
    }
    std::mt19937 rng(42 + static_cast<unsigned>(i));
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    (*data)[i].resize(inputs[i].elements);
    for (float& v : (*data)[i]) v = u(rng);
  }
  return true;
}

}  // namespace octet::bench
