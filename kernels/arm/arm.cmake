# The ARM kernel files, one list per ISA (kernels/CMakeLists.txt sets the flags).
#   OCTET_ARM_NEON_SOURCES    NEON, built for AArch64 and ARMv7
#   OCTET_ARM64_NEON_SOURCES  NEON, AArch64 only (ARMv8.0)
#   OCTET_ARM64_DOT_SOURCES   ARMv8.2 dot product (sdot)
#   OCTET_ARM64_I8MM_SOURCES  ARMv8.6 int8 matrix multiply (smmla)
#   OCTET_ARM32_NEON_SOURCES  NEON, ARMv7 only (tiles for 16 q registers)
list(APPEND OCTET_ARM64_NEON_SOURCES arm/qs8-gemm-2x8c8-neon.cc)
list(APPEND OCTET_ARM32_NEON_SOURCES arm/qs8-gemm-2x4c8-neon.cc)
list(APPEND OCTET_ARM64_DOT_SOURCES arm/qs8-gemm-4x16c4-neondot.cc)
list(APPEND OCTET_ARM64_I8MM_SOURCES arm/qs8-gemm-4x16c8-neoni8mm.cc)
list(APPEND OCTET_ARM_NEON_SOURCES arm/qs8-wino23-transform-neon.cc)
list(APPEND OCTET_ARM64_NEON_SOURCES arm/s16-gemm-6x8c2-neon.cc arm/qs8-gemm-6x8c2-neon.cc)
list(APPEND OCTET_ARM32_NEON_SOURCES arm/s16-gemm-4x8c2-neon.cc arm/qs8-gemm-4x8c2-neon.cc)
# Element-wise, pooling, resize and quantize kernels (kernels/arm/qs8-elementwise-arm.h).
list(APPEND OCTET_ARM_NEON_SOURCES
  arm/qs8-vadd-16-neon.cc
  arm/qs8-vmul-16-neon.cc
  arm/qs8-maxpool-32-neon.cc
  arm/qs8-avgpool-16-neon.cc
  arm/qs8-ibilinear-16-neon.cc)
list(APPEND OCTET_ARM64_NEON_SOURCES
  arm/x8-lut-64-neon.cc
  arm/qs8-quantize-16-neon.cc)
list(APPEND OCTET_ARM32_NEON_SOURCES
  arm/qs8-quantize-8-neon.cc)
# Plain C++ (no ISA flags): the table lookup of the ARMv7 path (x8-lut-4-scalar.h).
if(OCTET_ARM32)
  target_sources(octet_kernels PRIVATE common/x8-lut-4-scalar.cc)
endif()
# Depthwise convolution: 3x3, 5x5 and 1x1 on NEON (both architectures), sdot on AArch64.
list(APPEND OCTET_ARM_NEON_SOURCES
  arm/qs8-dwconv-3x3-16c-neon.cc arm/qs8-dwconv-5x5-16c-neon.cc arm/qs8-dwconv-1x1-16c-neon.cc)
list(APPEND OCTET_ARM64_DOT_SOURCES arm/qs8-dwconv-3x3-16c-neondot.cc arm/qs8-dwconv-5x5-16c-neondot.cc)
