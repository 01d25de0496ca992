// ransim/random.hpp - the seeded generator behind the corpus (xoshiro256**, seeded through
// splitmix64). Written out rather than taken from <random>: the corpus must be the same for a
// seed with every standard library, and std:: distributions do not promise that.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace vigie::ransim {

using Bytes = std::vector<std::uint8_t>;

class Random {
  public:
    explicit Random(std::uint64_t seed) {
        for (std::uint64_t& word : state_) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    /// Uniform in [0, n) (0 when n is 0).
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
    }
    /// Uniform in [lo, hi].
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
    /// Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    /// Roughly normal (mean 0, deviation 1): a sum of four uniforms, rescaled.
    double normal() { return (unit() + unit() + unit() + unit() - 2.0) * 1.7320508075688772; }
    /// A size whose logarithm is roughly normal around `median`, clamped to [lo, hi].
    std::uint64_t skewed_size(double median, double sigma, std::uint64_t lo, std::uint64_t hi) {
        const double v = median * std::exp(sigma * normal());
        if (v < static_cast<double>(lo)) return lo;
        if (v > static_cast<double>(hi)) return hi;
        return static_cast<std::uint64_t>(v);
    }

    template <typename T, std::size_t N>
    const T& pick(std::span<const T, N> items) {
        return items[below(items.size())];
    }

    /// Appends `n` uniformly random bytes.
    void append_bytes(Bytes& out, std::size_t n) {
        const std::size_t start = out.size();
        out.resize(start + n);
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            const std::uint64_t v = next();
            std::memcpy(out.data() + start + i, &v, 8);
        }
        if (i < n) {
            const std::uint64_t v = next();
            std::memcpy(out.data() + start + i, &v, n - i);
        }
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t state_[4];
};

}  // namespace vigie::ransim
