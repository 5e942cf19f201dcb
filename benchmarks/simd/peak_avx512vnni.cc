#include "benchmarks/simd/peak.h"

namespace octet_bench {

int peak_loop_avx512vnni(long iterations) {
  // Written in assembly so the 24 accumulators (zmm8-zmm31) stay in registers; the
  // compiler spills an array of them.
  int out = 0;
  __asm__ volatile(
      "vpternlogd $0xff, %%zmm0, %%zmm0, %%zmm0\n\t"
      "vpabsb %%zmm0, %%zmm1\n\t"
      ".irp r,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
      "vpxord %%zmm\\r, %%zmm\\r, %%zmm\\r\n\t"
      ".endr\n\t"
      "1:\n\t"
      ".irp r,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
      "vpdpbusd %%zmm1, %%zmm0, %%zmm\\r\n\t"
      ".endr\n\t"
      "dec %1\n\t"
      "jnz 1b\n\t"
      ".irp r,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
      "vpaddd %%zmm\\r, %%zmm8, %%zmm8\n\t"
      ".endr\n\t"
      "vmovd %%xmm8, %0\n\t"
      "vzeroupper\n\t"
      : "=r"(out), "+r"(iterations)
      :
      : "xmm0", "xmm1", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17",
        "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29",
        "xmm30", "xmm31", "cc");
  return out;
}

}  // namespace octet_bench
