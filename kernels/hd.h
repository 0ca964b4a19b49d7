// kernels/hd.h — the host-device macro: functions written once, compiled for CPU and GPU.
// Without nvcc IVA_HD expands to nothing and the functions are plain inline C++.
#pragma once
#if defined(__CUDACC__)
#define IVA_HD __host__ __device__ __forceinline__
#else
#define IVA_HD inline
#endif
