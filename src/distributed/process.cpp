// What the serial and the MPI runs share: exit codes of exceptions, threads per rank.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <thread>

#include "distributed/distributed.hpp"
#include "ivassign/error.hpp"

namespace ivassign::distributed {

int exit_code_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const InputError&) {
    return 2;
  } catch (const ResourceError&) {
    return 3;
  } catch (const std::bad_alloc&) {
    return 3;
  } catch (const QuietExit& quiet) {
    return quiet.code;
  } catch (...) {
    return 1;
  }
}

int default_threads(int requested) {
  if (requested != 0 || local_ranks() <= 1 || std::getenv("OMP_NUM_THREADS") != nullptr) return requested;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / local_ranks());
}

}  // namespace ivassign::distributed
