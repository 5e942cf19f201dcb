# x86 float convolution / fully connected kernels, one ISA per file. The AVX2 files
# join the AVX2 list of kernels/CMakeLists.txt (-mavx2 alone: no FMA instruction can
# be emitted, so products and sums stay separately rounded as in the reference).
# The AVX-512F files get -mavx512f alone; AVX-512F includes FMA, and it is the
# build's -ffp-contract=off (top-level CMakeLists.txt) that keeps vmulps + vaddps
# from being fused.
list(APPEND OCTET_X86_AVX2_SOURCES x86/f32-conv2d-6x16-avx2.cc x86/f32-dwconv-16c-avx2.cc)
set(OCTET_X86_AVX512F_SOURCES x86/f32-conv2d-8x32-avx512f.cc x86/f32-dwconv-32c-avx512f.cc)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  target_sources(octet_kernels PRIVATE ${OCTET_X86_AVX512F_SOURCES})
  set_source_files_properties(${OCTET_X86_AVX512F_SOURCES} PROPERTIES
    COMPILE_OPTIONS "-mavx512f;-ffp-contract=off"
    COMPILE_FLAGS "-Wno-maybe-uninitialized -Wno-uninitialized")
endif()
# Plain C++ (no ISA flags): the packer and the per-path choice.
target_sources(octet_kernels PRIVATE pack/f32-conv-pack.cc f32-conv-config.cc)
