# x86 element-wise, pooling, resize and data-movement kernels, one ISA per file
# (appended to the lists of kernels/CMakeLists.txt, which sets each list's flags).
