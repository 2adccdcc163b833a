// The random numbers behind synthetic populations: our own small generators, in integer
// arithmetic only, so that a seed gives the same cases bit for bit on every machine and with
// every standard library (std:: distributions are not specified that tightly).
#pragma once

#include <cstdint>
#include <string_view>

namespace decree::engine::random {

// SplitMix64 (Steele, Lea and Flood, 2014; the reference C by Vigna). Used to seed the main
// generator and to mix keys; its outputs from state 0 start 0xe220a8397b1dcdaf.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t state) : state_(state) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// xoshiro256** 1.0 (Blackman and Vigna, 2018), seeded through SplitMix64 as its authors advise.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {
    SplitMix64 sm(seed);
    for (auto& word : s_) word = sm.next();
  }
  // For test vectors: the state as given (it must not be all zero).
  Xoshiro256(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) : s_{a, b, c, d} {}

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // A number in [0, bound), every one equally likely: draws below 2^64 mod bound are rejected,
  // so that the rest divide evenly (bound > 0).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t reject_under = (0 - bound) % bound;  // 2^64 mod bound
    for (;;) {
      const std::uint64_t x = next();
      if (x >= reject_under) return x % bound;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// FNV-1a, 64 bits: a name turned into a number, the same everywhere.
inline std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The seed of the stream that draws `attribute` for case number `n` of a population seeded
// `seed`. Each (case, attribute) has a stream of its own, so that describing one fact
// differently, adding a fact, or changing the size leaves every other draw as it was.
inline std::uint64_t stream_seed(std::uint64_t seed, std::string_view attribute, std::uint64_t n) {
  SplitMix64 a(seed ^ fnv1a64(attribute));
  SplitMix64 b(a.next() + n);
  return b.next();
}

}  // namespace decree::engine::random
