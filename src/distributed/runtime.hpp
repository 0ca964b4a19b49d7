// src/distributed/runtime.hpp — the MPI runtime under the distributed commands (runtime.cpp, the one
// file that includes <mpi.h>): whether MPI runs, agreement on failures, and bytes moved between ranks.
// The rank, the number of ranks and the session are distributed.hpp's rank(), ranks() and Session.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ivassign::distributed::runtime {

/// True when a launcher (mpirun) started this process and MPI_Init ran; false when the MPI build runs
/// directly (one process, the library's own calls).
bool active();

/// Runs f on every rank; when any rank fails, the lowest failing rank rethrows its exception (and prints
/// it) and every other rank throws QuietExit with that rank's exit code: a failure is reported once and
/// every rank exits with the same code, none left waiting in a collective.
void agree(const std::function<void()>& f);

/// Rank 0's bytes on every rank (in pieces of at most INT_MAX).
void broadcast(std::string& bytes);

/// Every rank's bytes, concatenated in rank order, at rank 0 (at every rank when `everywhere`; empty on
/// the ranks that receive nothing). ResourceError beyond 2 GiB in all.
std::string gather(const std::string& mine, bool everywhere);

/// A counter on rank 0 that every rank draws from (MPI_Fetch_and_op): created and freed by all ranks
/// together (collective), at `start`.
class SharedCounter {
 public:
  explicit SharedCounter(std::uint64_t start);
  ~SharedCounter();
  SharedCounter(const SharedCounter&) = delete;
  SharedCounter& operator=(const SharedCounter&) = delete;
  /// The counter's value before this call added one.
  std::uint64_t next();

 private:
  struct Window;
  std::unique_ptr<Window> window_;
};

}  // namespace ivassign::distributed::runtime
