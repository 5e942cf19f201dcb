// ONNX import: .onnx (protobuf) -> converter Graph. The only code that includes
// protobuf or ONNX headers. Checks that the model is well formed (types, shapes,
// fixed inputs, defined values, order) and names every node at fault.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace octet::cvt {

struct ImportOptions {
  // Fixed shapes for graph inputs (name -> dims), overriding the model's.
  std::map<std::string, std::vector<int64_t>> input_shapes;
};

// Reads and imports a model. false with a message (each offending node named)
// when the file is not a readable ONNX model.
bool import_onnx_file(const std::string& path, const ImportOptions& options, Graph* graph, std::string* error);
bool import_onnx_bytes(const void* data, size_t size, const ImportOptions& options, Graph* graph, std::string* error);

// Reads one serialized TensorProto (ONNX's test_data_set_*/input_0.pb files).
bool read_tensor_pb(const std::string& path, Tensor* tensor, std::string* name, std::string* error);

}  // namespace octet::cvt
