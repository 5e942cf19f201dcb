// The tiles of a Winograd F(2x2, 3x3) layer in order (kernels/qs8-winograd-config.h:
// tile t is image t / (th * tw), tile row (t / tw) % th, tile column t % tw), stepped
// through without dividing: a division per tile and channel group cost 15% of a
// layer. Shared by the x86 and ARM transforms.
#pragma once

#include <cstddef>

#include "kernels/reference/conv-shape.h"

namespace octet {

struct Wino23TileWalk {
  size_t n;       // image
  int oy, ox;     // top-left output pixel of the tile
  int out_h, out_w;

  Wino23TileWalk(const ConvShape& s, size_t t) : out_h(s.out_h), out_w(s.out_w) {
    const size_t tw = static_cast<size_t>(s.out_w + 1) / 2, th = static_cast<size_t>(s.out_h + 1) / 2;
    n = t / (th * tw);
    oy = static_cast<int>((t / tw) % th) * 2;
    ox = static_cast<int>(t % tw) * 2;
  }
  void next() {
    ox += 2;
    if (ox < out_w) return;
    ox = 0;
    oy += 2;
    if (oy < out_h) return;
    oy = 0;
    ++n;
  }
};

}  // namespace octet
