// src/distributed/scheduler.hpp — a plan's tasks [0, n) in chunks over the MPI ranks: chunk r to rank r
// first, then the next free chunk from a counter on rank 0, so uneven solve times even out; the chunks'
// results come back in task order, so whatever concatenates them gets the single process's answer.
// Chunks and by_chunk are MPI-free (tested without MPI); distribute needs the runtime (scheduler.cpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <type_traits>
#include <vector>

#include "distributed/distributed.hpp"
#include "distributed/runtime.hpp"
#include "distributed/wire.hpp"
#include "ivassign/error.hpp"
#include "ivassign/tasks.hpp"

namespace ivassign::distributed {

/// Chunks of tasks [0, tasks): about eight per rank, so that a rank whose solves are slow takes fewer.
struct Chunks {
  std::uint64_t tasks = 0, size = 1, count = 0;
  Chunks(std::uint64_t task_count, int ranks) : tasks(task_count) {
    const std::uint64_t target = static_cast<std::uint64_t>(ranks) * 8;
    size = std::max<std::uint64_t>(1, (tasks + target - 1) / target);
    count = (tasks + size - 1) / size;
  }
  TaskRange range(std::uint64_t chunk) const {
    const std::uint64_t first = chunk * size;
    return {first, std::min(size, tasks - first)};
  }
};

/// The records (chunk number, result bytes) the ranks wrote, in any order, as one result per chunk in
/// chunk order; Error when a chunk is out of range, repeated or missing (a corrupt message).
inline std::vector<std::string> by_chunk(const std::string& records, const Chunks& chunks) {
  std::vector<std::string> results(chunks.count);
  std::vector<char> seen(chunks.count, 0);
  std::uint64_t arrived = 0;
  wire::Reader r(records);
  while (!r.done()) {
    const auto chunk = r.read<std::uint64_t>();
    if (chunk >= results.size() || seen[chunk]) throw Error("MPI: a task result names chunk " + std::to_string(chunk));
    seen[chunk] = 1;
    ++arrived;
    r(results[chunk]);
  }
  if (arrived != chunks.count)
    throw Error("MPI: " + std::to_string(chunks.count - arrived) + " of " + std::to_string(chunks.count) +
                " chunks of task results are missing");
  return results;
}

/// This rank's share of the chunks: run(range) on each it takes, as records (chunk, result bytes), gathered
/// at rank 0 (at every rank when `everywhere`). A rank whose run throws takes no more chunks; the failure
/// is reported (runtime::agree) once every rank is done.
std::string run_chunks(const Chunks& chunks, bool everywhere, const std::function<std::string(TaskRange)>& run);

/// Tasks [0, tasks) over the ranks: run(range) returns a chunk's result (a value of the wire format); at
/// rank 0 (every rank when `everywhere`) the chunks' results in task order, elsewhere none.
template <class Run>
auto distribute(std::uint64_t tasks, bool everywhere, Run run) {
  using Result = std::decay_t<decltype(run(TaskRange{}))>;
  const Chunks chunks(tasks, ranks());
  const std::string records = run_chunks(chunks, everywhere, [&](TaskRange range) { return wire::encode(run(range)); });
  std::vector<Result> results;
  runtime::agree([&] {
    if (!everywhere && rank() != 0) return;
    for (const std::string& bytes : by_chunk(records, chunks)) results.push_back(wire::decode<Result>(bytes));
  });
  return results;
}

/// The chunks' lists as one list, in order.
template <class T>
std::vector<T> concatenate(std::vector<std::vector<T>> parts) {
  std::vector<T> all;
  for (std::vector<T>& part : parts)
    all.insert(all.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  return all;
}

}  // namespace ivassign::distributed
