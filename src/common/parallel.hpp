// src/common/parallel.hpp — thread counts for OpenMP regions (0 = all cores).
#pragma once
#include <exception>
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

}  // namespace ivassign
