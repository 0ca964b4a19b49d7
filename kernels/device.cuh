// kernels/device.cuh — what every device source (kernels/device_*.cu) shares: DeviceArray, the one
// owner of device memory (uninitialized, a failed allocation names the bytes), uploads and downloads, one parallel for-each over
// an index range, and Thrust's exceptions turned into the library's. The same source compiles for
// the CUDA and the OpenMP device systems (THRUST_DEVICE_SYSTEM), so nothing here names CUDA.
#pragma once
#include <thrust/copy.h>
#include <thrust/device_free.h>
#include <thrust/device_malloc.h>
#include <thrust/device_ptr.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/system_error.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>
#include <string>

#include "ivassign/error.hpp"
#include "kernels/device_system.hpp"

namespace ivassign::device {

/// Runs a device algorithm: a failed allocation becomes ResourceError, any other device failure
/// (a CUDA status, an OpenMP runtime error) CudaError or Error naming `what`.
template <class F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    std::size_t free_b = 0, total_b = 0;
    memory_info(free_b, total_b);
    throw ResourceError(std::string("device memory for ") + what + " ran out; the device (" + system_name() + ") has " +
                        std::to_string(free_b) + " bytes free of " + std::to_string(total_b));
  } catch (const thrust::system_error& e) {
    if (std::string(system_name()) == "cuda") throw CudaError(std::string(what) + ": " + e.what());
    throw Error(std::string(what) + ": " + e.what());
  }
}

/// `count` T on the device, uninitialized (a table is written entirely right after allocation, so a
/// fill would only cost a pass over memory), freed with the array: the one owner of device memory
/// in kernels/. An allocation that cannot fit says how many bytes it needed and how many were free.
template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  DeviceArray(std::size_t count, const char* what) : count_(count) {
    if (count == 0) return;
    try {
      ptr_ = thrust::device_malloc<T>(count);
    } catch (const std::bad_alloc&) {
      std::size_t free_b = 0, total_b = 0;
      memory_info(free_b, total_b);
      throw ResourceError(std::string("device allocation for ") + what + " needs " + std::to_string(count * sizeof(T)) +
                          " bytes; the device (" + system_name() + ") has " + std::to_string(free_b) + " free of " +
                          std::to_string(total_b));
    }
  }
  ~DeviceArray() {
    if (ptr_.get() != nullptr) thrust::device_free(ptr_);
  }
  DeviceArray(DeviceArray&& other) noexcept : ptr_(other.ptr_), count_(other.count_) {
    other.ptr_ = thrust::device_ptr<T>();
    other.count_ = 0;
  }
  DeviceArray& operator=(DeviceArray&& other) noexcept {
    std::swap(ptr_, other.ptr_);
    std::swap(count_, other.count_);
    return *this;
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;

  std::size_t size() const { return count_; }
  T* get() const { return thrust::raw_pointer_cast(ptr_); }
  thrust::device_ptr<T> begin() const { return ptr_; }
  thrust::device_ptr<T> end() const { return ptr_ + static_cast<std::ptrdiff_t>(count_); }
  /// Entry k, copied to the host.
  T at(std::size_t k) const { return ptr_[static_cast<std::ptrdiff_t>(k)]; }

 private:
  thrust::device_ptr<T> ptr_;
  std::size_t count_ = 0;
};

template <class T>
DeviceArray<T> allocate(std::size_t count, const char* what) {
  return DeviceArray<T>(count, what);
}

/// A device copy of `count` host values.
template <class T>
DeviceArray<T> upload(const T* host, std::size_t count, const char* what) {
  DeviceArray<T> out(count, what);
  if (count > 0) thrust::copy(host, host + count, out.begin());
  return out;
}

/// Below this many entries the OpenMP device system copies between host and device memory on the
/// calling thread (Thrust's cross-system copy opens a parallel region; see for_each_index).
constexpr std::size_t kSerialCopy = std::size_t(1) << 16;

/// Entries [first, first + count) of a device array, copied to host memory.
template <class T>
void download(const DeviceArray<T>& from, std::size_t first, std::size_t count, T* host) {
  if (count == 0) return;
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_OMP
  if (count < kSerialCopy) {
    std::copy(from.get() + first, from.get() + first + count, host);
    return;
  }
#endif
  thrust::copy(from.begin() + static_cast<std::ptrdiff_t>(first),
               from.begin() + static_cast<std::ptrdiff_t>(first + count), host);
}

/// `count` host values copied into the start of a device array (at least that long).
template <class T>
void copy_in(const T* host, std::size_t count, DeviceArray<T>& to) {
  if (count == 0) return;
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_OMP
  if (count < kSerialCopy) {
    std::copy(host, host + count, to.get());
    return;
  }
#endif
  thrust::copy(host, host + count, to.begin());
}

template <class T>
T* raw(const DeviceArray<T>& v) {
  return v.get();
}

/// True when `bytes` more fit on the device beside kDeviceReserveBytes.
inline bool fits_on_device(std::uint64_t bytes) {
  std::size_t free_b = 0, total_b = 0;
  memory_info(free_b, total_b);
  return bytes + kDeviceReserveBytes <= free_b;
}

/// f(k) for every k in [0, count), in parallel on the device. On the OpenMP device system a launch
/// of fewer than `min_parallel` indices runs on the calling thread (its memory is host memory): a
/// parallel region costs more than a small launch's work, and much more on a loaded machine. Each
/// index writes its own outputs, so the results do not depend on it; CUDA always launches.
template <class F>
void for_each_index(std::uint64_t count, F f, std::uint64_t min_parallel = 0) {
  if (count == 0) return;
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_OMP
  if (count < min_parallel) {
    for (std::uint64_t k = 0; k < count; ++k) f(k);
    return;
  }
#else
  (void)min_parallel;
#endif
  thrust::for_each(thrust::device, thrust::counting_iterator<std::uint64_t>(0),
                   thrust::counting_iterator<std::uint64_t>(count), f);
}

}  // namespace ivassign::device
