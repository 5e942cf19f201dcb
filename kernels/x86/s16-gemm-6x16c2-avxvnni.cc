// int16 x int16 -> int32 GEMM for the Winograd domain (no requantization), tile 6
// rows x 16 channels, AVX-VNNI: vpdpwssd multiplies channel pairs and accumulates
// with wrap-around (exact by the bound of kernels/pack/qs8-winograd-layout.h).
#include "kernels/x86/s16-gemm-x86.h"
#include "kernels/x86/s16-gemm-ymm.h"

namespace octet {

namespace {

// vpdpwssd (VEX) in place: GCC 12 copies the accumulator of the intrinsic on every
// use; the asm keeps it tied.
struct Dpwssd {
  static void mac(__m256i& acc, __m256i x, __m256i w) {
    __asm__("%{vex%} vpdpwssd %2, %1, %0" : "+x"(acc) : "x"(x), "x"(w));
  }
};

}  // namespace

void s16_gemm_6x16c2__avxvnni(size_t mr, size_t nc, size_t kc, const int16_t* a, size_t a_stride, const int16_t* w,
                              int32_t* c, size_t c_stride) {
  s16_ymm_gemm<Dpwssd>(mr, nc, kc, a, a_stride, w, c, c_stride);
}

}  // namespace octet
