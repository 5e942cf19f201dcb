# x86 depthwise convolution kernels, one ISA per file (appended to the lists of
# kernels/CMakeLists.txt, which sets each list's flags).
list(APPEND OCTET_X86_AVX2_SOURCES x86/qs8-dwconv-3x3-16c-avx2.cc x86/qs8-dwconv-5x5-16c-avx2.cc)
list(APPEND OCTET_X86_AVX512BW_SOURCES x86/qs8-dwconv-3x3-32c-avx512bw.cc x86/qs8-dwconv-5x5-32c-avx512bw.cc)
list(APPEND OCTET_X86_AVXVNNI_SOURCES x86/qs8-dwconv-3x3-16c-avxvnni.cc x86/qs8-dwconv-5x5-16c-avxvnni.cc)
list(APPEND OCTET_X86_AVX512VNNI_SOURCES
  x86/qs8-dwconv-3x3-64c-avx512vnni.cc x86/qs8-dwconv-5x5-64c-avx512vnni.cc
  x86/qs8-dwconv-3x3-32c-avx512vnni.cc x86/qs8-dwconv-5x5-32c-avx512vnni.cc)
# The packer is plain C++ (no ISA flags).
target_sources(octet_kernels PRIVATE pack/qs8-dwconv-pack.cc)
