// The chunks of a plan's tasks over the ranks (scheduler.hpp), drawn from the runtime's shared counter.
#include "distributed/scheduler.hpp"

#include <exception>

namespace ivassign::distributed {

std::string run_chunks(const Chunks& chunks, bool everywhere, const std::function<std::string(TaskRange)>& run) {
  wire::Writer out;
  std::exception_ptr error;
  {
    runtime::SharedCounter counter(static_cast<std::uint64_t>(ranks()));  // chunks 0..ranks-1: the ranks' first
    try {
      for (auto chunk = static_cast<std::uint64_t>(rank()); chunk < chunks.count; chunk = counter.next())
        out(chunk)(run(chunks.range(chunk)));
    } catch (...) {
      error = std::current_exception();  // this rank stops taking chunks; the others finish them
    }
  }  // every rank frees the counter together
  runtime::agree([&] {
    if (error) std::rethrow_exception(error);
  });
  return runtime::gather(out.bytes(), everywhere);
}

}  // namespace ivassign::distributed
