# x86 depthwise convolution kernels, one ISA per file (appended to the lists of
# kernels/CMakeLists.txt, which sets each list's flags).
