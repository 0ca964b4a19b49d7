// src/common/parallel.hpp — thread counts for OpenMP regions (0 = all cores).
#pragma once
#include <array>
#include <cstdint>
#include <exception>
#include <vector>
#include <mutex>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace ivassign {

inline int thread_count(int requested) {
  if (requested > 0) return requested;
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/// N sums over [0, count) that do not depend on the thread count: fixed blocks are summed in
/// parallel, then the block sums in order. add(o, acc) adds item o's terms to acc[0..N).
template <int N, class Add>
std::array<double, N> blocked_sums(std::uint64_t count, Add add) {
  constexpr std::uint64_t kBlock = 4096;
  const std::uint64_t blocks = (count + kBlock - 1) / kBlock;
  std::vector<std::array<double, N>> partial(blocks);
#pragma omp parallel for schedule(static)
  for (std::int64_t sb = 0; sb < static_cast<std::int64_t>(blocks); ++sb) {
    const auto b = static_cast<std::uint64_t>(sb);
    std::array<double, N> acc{};
    const std::uint64_t end = (b + 1) * kBlock < count ? (b + 1) * kBlock : count;
    for (std::uint64_t o = b * kBlock; o < end; ++o) add(o, acc.data());
    partial[b] = acc;
  }
  std::array<double, N> total{};
  for (const auto& p : partial)
    for (int k = 0; k < N; ++k) total[k] += p[k];
  return total;
}

/// Per-block sums of blocks [first_block, first_block + block_count) of [0, count) cut into blocks of
/// `block` items, `width` accumulators each (block-major): the blocks in parallel, each in item order.
template <class Add>
std::vector<double> blocked_partials(std::uint64_t count, std::uint64_t block, std::size_t width,
                                     std::uint64_t first_block, std::uint64_t block_count, Add add) {
  std::vector<double> partial(static_cast<std::size_t>(block_count) * width, 0.0);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t sb = 0; sb < static_cast<std::int64_t>(block_count); ++sb) {
    const auto b = first_block + static_cast<std::uint64_t>(sb);
    double* acc = partial.data() + static_cast<std::uint64_t>(sb) * width;
    const std::uint64_t end = (b + 1) * block < count ? (b + 1) * block : count;
    for (std::uint64_t t = b * block; t < end; ++t) add(t, acc);
  }
  return partial;
}

/// The sum of block sums (block-major, `width` each) in block order: the same total for any split of
/// the blocks among threads, processes or machines.
inline std::vector<double> sum_blocks(const std::vector<double>& partial, std::size_t width) {
  std::vector<double> total(width, 0.0);
  const std::size_t blocks = width == 0 ? 0 : partial.size() / width;
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t k = 0; k < width; ++k) total[k] += partial[b * width + k];
  return total;
}

/// Sums over [0, count) into `width` accumulators, independent of the thread count: fixed blocks in
/// parallel, then the block sums in order. add(t, acc) adds item t's terms.
template <class Add>
std::vector<double> blocked_accumulate(std::uint64_t count, std::size_t width, Add add) {
  constexpr std::uint64_t kBlock = 8192;
  const std::uint64_t blocks = (count + kBlock - 1) / kBlock;
  return sum_blocks(blocked_partials(count, kBlock, width, 0, blocks, add), width);
}

/// Exceptions must not leave an OpenMP region: each iteration runs through `run`, the first
/// exception is kept, and `rethrow` raises it after the region.
class FirstException {
 public:
  template <class F>
  void run(F&& f) noexcept {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
    }
  }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
};

/// f(k) for k in [0, count) over `threads` threads (dynamic schedule), the first exception rethrown.
template <class F>
void parallel_tasks(std::uint64_t count, int threads, F&& f) {
  FirstException errors;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(count); ++k) errors.run([&] { f(static_cast<std::uint64_t>(k)); });
  errors.rethrow();
}

}  // namespace ivassign
