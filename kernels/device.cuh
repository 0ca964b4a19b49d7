// kernels/device.cuh — what every device source (kernels/device_*.cu) shares: Thrust vectors
// allocated with a message that names the bytes, uploads and downloads, one parallel for-each over
// an index range, and Thrust's exceptions turned into the library's. The same source compiles for
// the CUDA and the OpenMP device systems (THRUST_DEVICE_SYSTEM), so nothing here names CUDA.
#pragma once
#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/system_error.h>

#include <cstdint>
#include <new>
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

/// `count` uninitialized-then-zeroed T on the device; an allocation that cannot fit says how many
/// bytes it needed and how many were free.
template <class T>
thrust::device_vector<T> allocate(std::size_t count, const char* what) {
  try {
    return thrust::device_vector<T>(count);
  } catch (const std::bad_alloc&) {
    std::size_t free_b = 0, total_b = 0;
    memory_info(free_b, total_b);
    throw ResourceError(std::string("device allocation for ") + what + " needs " + std::to_string(count * sizeof(T)) +
                        " bytes; the device (" + system_name() + ") has " + std::to_string(free_b) + " free of " +
                        std::to_string(total_b));
  }
}

/// A device copy of `count` host values.
template <class T>
thrust::device_vector<T> upload(const T* host, std::size_t count, const char* what) {
  thrust::device_vector<T> out = allocate<T>(count, what);
  if (count > 0) thrust::copy(host, host + count, out.begin());
  return out;
}

/// Entries [first, first + count) of a device vector, copied to host memory.
template <class T>
void download(const thrust::device_vector<T>& from, std::size_t first, std::size_t count, T* host) {
  if (count > 0) thrust::copy(from.begin() + first, from.begin() + first + count, host);
}

template <class T>
T* raw(thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}
template <class T>
const T* raw(const thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

/// f(k) for every k in [0, count), in parallel on the device.
template <class F>
void for_each_index(std::uint64_t count, F f) {
  if (count == 0) return;
  thrust::for_each(thrust::device, thrust::counting_iterator<std::uint64_t>(0),
                   thrust::counting_iterator<std::uint64_t>(count), f);
}

}  // namespace ivassign::device
