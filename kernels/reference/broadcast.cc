#include "kernels/reference/broadcast.h"

namespace octet {

bool make_broadcast_shape(const int64_t* a, int a_rank, const int64_t* b, int b_rank,
                          BroadcastShape* bs) {
  const int rank = a_rank > b_rank ? a_rank : b_rank;
  if (a_rank < 0 || b_rank < 0 || rank > kMaxRank) return false;
  bs->rank = rank;
  int64_t a_stride = 1, b_stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    const int ai = d - (rank - a_rank), bi = d - (rank - b_rank);
    const int64_t ad = ai >= 0 ? a[ai] : 1;
    const int64_t bd = bi >= 0 ? b[bi] : 1;
    if (ad != bd && ad != 1 && bd != 1) return false;
    bs->out_dims[d] = ad == 1 ? bd : ad;
    bs->a_strides[d] = ad == 1 ? 0 : a_stride;
    bs->b_strides[d] = bd == 1 ? 0 : b_stride;
    a_stride *= ad;
    b_stride *= bd;
  }
  return true;
}

}  // namespace octet
