// A signed 128-bit integer for the test oracles on targets without __int128
// (32-bit ARM): two's complement in two 64-bit halves, with the few operations the
// oracles use. Plain and slow on purpose; where the compiler has __int128 the
// oracles use that instead (oracle.h).
#pragma once

#include <cstdint>

namespace octet_test {

class Int128 {
 public:
  Int128() = default;
  Int128(int64_t v) : lo_(static_cast<uint64_t>(v)), hi_(v < 0 ? ~uint64_t{0} : 0) {}  // NOLINT: implicit, as __int128
  explicit operator int64_t() const { return static_cast<int64_t>(lo_); }

  friend Int128 operator+(Int128 a, Int128 b) {
    Int128 r;
    r.lo_ = a.lo_ + b.lo_;
    r.hi_ = a.hi_ + b.hi_ + (r.lo_ < a.lo_ ? 1 : 0);
    return r;
  }
  friend Int128 operator-(Int128 a) { return ~a + Int128(1); }
  friend Int128 operator-(Int128 a, Int128 b) { return a + -b; }
  friend Int128 operator~(Int128 a) {
    a.lo_ = ~a.lo_;
    a.hi_ = ~a.hi_;
    return a;
  }
  friend Int128 operator*(Int128 a, Int128 b) {
    // Low 128 bits of the product from 32-bit limbs (the same bits for signed and
    // unsigned operands in two's complement).
    const uint64_t x[4] = {a.lo_ & 0xffffffffu, a.lo_ >> 32, a.hi_ & 0xffffffffu, a.hi_ >> 32};
    const uint64_t y[4] = {b.lo_ & 0xffffffffu, b.lo_ >> 32, b.hi_ & 0xffffffffu, b.hi_ >> 32};
    uint64_t limb[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; ++i) {
      uint64_t carry = 0;
      for (int j = 0; i + j < 4; ++j) {
        const uint64_t t = x[i] * y[j];  // < 2^64
        const uint64_t s = limb[i + j] + (t & 0xffffffffu) + carry;
        limb[i + j] = s & 0xffffffffu;
        carry = (s >> 32) + (t >> 32);
      }
    }
    Int128 r;
    r.lo_ = limb[0] | (limb[1] << 32);
    r.hi_ = limb[2] | (limb[3] << 32);
    return r;
  }
  friend Int128 operator<<(Int128 a, int n) {
    for (int i = 0; i < n; ++i) {
      a.hi_ = (a.hi_ << 1) | (a.lo_ >> 63);
      a.lo_ <<= 1;
    }
    return a;
  }
  // Truncating division and remainder, as C++ defines them for built-in integers.
  friend Int128 operator/(Int128 a, Int128 b) {
    Int128 q, r;
    divmod(a, b, &q, &r);
    return q;
  }
  friend Int128 operator%(Int128 a, Int128 b) {
    Int128 q, r;
    divmod(a, b, &q, &r);
    return r;
  }
  friend bool operator==(Int128 a, Int128 b) { return a.lo_ == b.lo_ && a.hi_ == b.hi_; }
  friend bool operator!=(Int128 a, Int128 b) { return !(a == b); }
  friend bool operator<(Int128 a, Int128 b) {
    const int64_t ah = static_cast<int64_t>(a.hi_), bh = static_cast<int64_t>(b.hi_);
    return ah != bh ? ah < bh : a.lo_ < b.lo_;
  }
  friend bool operator>(Int128 a, Int128 b) { return b < a; }
  friend bool operator<=(Int128 a, Int128 b) { return !(b < a); }
  friend bool operator>=(Int128 a, Int128 b) { return !(a < b); }
  Int128& operator+=(Int128 b) { return *this = *this + b; }
  Int128& operator-=(Int128 b) { return *this = *this - b; }
  Int128& operator*=(Int128 b) { return *this = *this * b; }
  Int128& operator--() { return *this = *this - Int128(1); }
  Int128& operator++() { return *this = *this + Int128(1); }

 private:
  bool negative() const { return static_cast<int64_t>(hi_) < 0; }
  static bool ult(Int128 a, Int128 b) { return a.hi_ != b.hi_ ? a.hi_ < b.hi_ : a.lo_ < b.lo_; }
  static void divmod(Int128 a, Int128 b, Int128* q, Int128* r) {
    const bool na = a.negative(), nb = b.negative();
    Int128 ua = na ? -a : a, ub = nb ? -b : b;
    Int128 uq, ur;
    for (int i = 127; i >= 0; --i) {  // restoring long division on magnitudes
      ur = ur << 1;
      const uint64_t bit = i >= 64 ? (ua.hi_ >> (i - 64)) & 1 : (ua.lo_ >> i) & 1;
      ur.lo_ |= bit;
      if (!ult(ur, ub)) {
        ur = ur - ub;
        if (i >= 64) uq.hi_ |= uint64_t{1} << (i - 64);
        else uq.lo_ |= uint64_t{1} << i;
      }
    }
    *q = na != nb ? -uq : uq;
    *r = na ? -ur : ur;
  }

  uint64_t lo_ = 0, hi_ = 0;
};

}  // namespace octet_test
