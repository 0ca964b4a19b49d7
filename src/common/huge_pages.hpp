// src/common/huge_pages.hpp — an allocator for large tables read at random rows (the local search's
// interaction table H, n x s doubles: 32 MB at 1000 x 4000). Rows are s * 8 bytes apart, so every
// touched row is a different 4 KiB page and the walk through the TLB, not the cache line, is what a
// placement waits on; on Linux the allocation is 2 MiB aligned and advised for transparent huge
// pages (MADV_HUGEPAGE; a no-op where the kernel has them off), elsewhere it is plain new.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ivassign {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  static bool huge(std::size_t count) { return count * sizeof(T) >= 2 * kHugePage; }

  T* allocate(std::size_t count) {
#if defined(__linux__)
    if (huge(count)) {
      const std::size_t bytes = (count * sizeof(T) + kHugePage - 1) / kHugePage * kHugePage;
      void* p = std::aligned_alloc(kHugePage, bytes);
      if (!p) throw std::bad_alloc();
      madvise(p, bytes, MADV_HUGEPAGE);  // advice only: ignored where huge pages are unavailable
      return static_cast<T*>(p);
    }
#endif
    return static_cast<T*>(::operator new(count * sizeof(T)));
  }
  void deallocate(T* p, std::size_t count) noexcept {
#if defined(__linux__)
    if (huge(count)) {
      std::free(p);
      return;
    }
#endif
    ::operator delete(p);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept { return false; }
};

}  // namespace ivassign
