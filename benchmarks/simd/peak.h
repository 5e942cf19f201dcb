// This machine's measured INT8 multiply-accumulate peak on one thread: a tight loop
// of vpdpbusd on 512-bit registers with 24 independent accumulators
// (peak_avx512vnni.cc, the only file built with VNNI flags). The GEMM benchmarks
// report their rate as a percentage of it.
#pragma once

namespace octet_bench {

// GMAC/s of the loop, measured once (about 0.2 s) on first call; 0 when the CPU
// has no AVX-512 VNNI.
double vnni_peak_gmacs();

// Runs `iterations` rounds of 24 vpdpbusd (64 MACs each); returns a value that
// depends on every accumulator, so nothing is optimised away.
int peak_loop_avx512vnni(long iterations);

}  // namespace octet_bench
