# x86 element-wise, pooling, resize and data-movement kernels, one ISA per file
# (appended to the lists of kernels/CMakeLists.txt, which sets each list's flags).
list(APPEND OCTET_X86_AVX2_SOURCES
  x86/x8-lut-32-avx2.cc
  x86/qs8-vadd-32-avx2.cc
  x86/qs8-vmul-32-avx2.cc
  x86/qs8-maxpool-32-avx2.cc
  x86/qs8-avgpool-16-avx2.cc
  x86/qs8-ibilinear-16-avx2.cc)
list(APPEND OCTET_X86_AVX512BW_SOURCES
  x86/x8-lut-64-avx512bw.cc
  x86/qs8-vadd-64-avx512bw.cc
  x86/qs8-vmul-32-avx512bw.cc
  x86/qs8-maxpool-64-avx512bw.cc
  x86/qs8-avgpool-32-avx512bw.cc
  x86/qs8-ibilinear-32-avx512bw.cc)
# AVX-512 VBMI (vpermi2b) is not implied by any kernel path: the table lookup built
# with it is chosen at load time only on CPUs that report it (runtime/cpu.h).
set(OCTET_X86_AVX512VBMI_SOURCES
  x86/x8-lut-64-avx512vbmi.cc)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  target_sources(octet_kernels PRIVATE ${OCTET_X86_AVX512VBMI_SOURCES})
  set_source_files_properties(${OCTET_X86_AVX512VBMI_SOURCES} PROPERTIES
    COMPILE_OPTIONS "-mavx512f;-mavx512bw;-mavx512vl;-mavx512vbmi"
    COMPILE_FLAGS "-Wno-maybe-uninitialized -Wno-uninitialized")
endif()
# Plain C++ (no ISA flags): the row-copy transpose of the SIMD paths.
target_sources(octet_kernels PRIVATE common/x-transpose-rows.cc)
