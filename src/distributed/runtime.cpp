// The MPI runtime (IVASSIGN_MPI): MPI_Init / MPI_Finalize, the rank and the ranks, agreement on
// failures, broadcast and gather of bytes, the shared chunk counter. The only file with <mpi.h>.
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <vector>

#include "distributed/distributed.hpp"
#include "distributed/runtime.hpp"
#include "ivassign/error.hpp"

namespace ivassign::distributed {

namespace {

int g_rank = 0, g_size = 1, g_local = 1;
bool g_prints = true;
bool g_mpi = false;  // MPI_Init was called: the process was started by mpirun (or another launcher)

/// True when a launcher started this process (Open MPI, PMIx, MPICH's Hydra): run directly, the MPI
/// build is one process that never initializes MPI (no singleton start-up of about a second).
bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

/// The GPUs this rank may see: CUDA_VISIBLE_DEVICES's list, else one per /proc/driver/nvidia/gpus entry.
std::vector<std::string> visible_gpus() {
  std::vector<std::string> out;
  if (const char* v = std::getenv("CUDA_VISIBLE_DEVICES")) {
    std::stringstream list(v);
    for (std::string item; std::getline(list, item, ',');)
      if (!item.empty()) out.push_back(item);
    return out;
  }
  std::error_code ec;
  std::size_t count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/driver/nvidia/gpus", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++count;
  for (std::size_t k = 0; k < count; ++k) out.push_back(std::to_string(k));
  return out;
}

/// One rank per GPU: the local rank (Open MPI's OMPI_COMM_WORLD_LOCAL_RANK) sees only GPU local_rank mod
/// count, as device 0, before anything initializes CUDA.
void pick_gpu() {
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK");
  if (local == nullptr) return;
  const std::vector<std::string> gpus = visible_gpus();
  if (gpus.empty()) return;
  const auto k = static_cast<std::size_t>(std::max(0, std::atoi(local))) % gpus.size();
  setenv("CUDA_VISIBLE_DEVICES", gpus[k].c_str(), 1);
}

}  // namespace

Session::Session(int& argc, char**& argv) {
  g_mpi = launched_by_mpirun();
  if (!g_mpi) return;
  pick_gpu();
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);  // OpenMP threads make no MPI calls
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &g_local);
  MPI_Comm_free(&node);
  g_prints = g_rank == 0;
}

Session::~Session() {
  if (g_mpi) MPI_Finalize();
}

int rank() { return g_rank; }
int ranks() { return g_size; }
int local_ranks() { return g_local; }
bool prints_errors() { return g_prints; }

namespace runtime {

bool active() { return g_mpi; }

void agree(const std::function<void()>& f) {
  std::exception_ptr error;
  try {
    f();
  } catch (...) {
    error = std::current_exception();
  }
  int code = error ? exit_code_of(error) : 0;
  std::vector<int> codes(static_cast<std::size_t>(g_size));
  MPI_Allgather(&code, 1, MPI_INT, codes.data(), 1, MPI_INT, MPI_COMM_WORLD);
  const auto first = std::find_if(codes.begin(), codes.end(), [](int c) { return c != 0; });
  if (first == codes.end()) return;
  g_prints = (first - codes.begin()) == g_rank;
  if (g_prints) std::rethrow_exception(error);
  throw QuietExit{*first};
}

void broadcast(std::string& bytes) {
  auto size = static_cast<std::uint64_t>(bytes.size());
  MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  bytes.resize(static_cast<std::size_t>(size));
  for (std::uint64_t at = 0; at < size; at += INT_MAX) {
    const auto piece = static_cast<int>(std::min<std::uint64_t>(INT_MAX, size - at));
    MPI_Bcast(bytes.data() + at, piece, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
}

std::string gather(const std::string& mine, bool everywhere) {
  const auto length = static_cast<std::int64_t>(mine.size());
  std::vector<std::int64_t> lengths(static_cast<std::size_t>(g_size));
  MPI_Allgather(&length, 1, MPI_INT64_T, lengths.data(), 1, MPI_INT64_T, MPI_COMM_WORLD);
  std::vector<int> counts(lengths.size()), displs(lengths.size());
  std::int64_t total = 0;
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    if (total + lengths[k] > INT_MAX)
      throw ResourceError("MPI: the task results exceed 2 GiB in one gather; run with fewer profiles per command");
    counts[k] = static_cast<int>(lengths[k]);
    displs[k] = static_cast<int>(total);
    total += lengths[k];
  }
  const bool receives = everywhere || g_rank == 0;
  std::string all(receives ? static_cast<std::size_t>(total) : 0, '\0');
  if (everywhere)
    MPI_Allgatherv(mine.data(), counts[static_cast<std::size_t>(g_rank)], MPI_CHAR, all.data(), counts.data(),
                   displs.data(), MPI_CHAR, MPI_COMM_WORLD);
  else
    MPI_Gatherv(mine.data(), counts[static_cast<std::size_t>(g_rank)], MPI_CHAR, all.data(), counts.data(),
                displs.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  return all;
}

struct SharedCounter::Window {
  MPI_Win win;
};

SharedCounter::SharedCounter(std::uint64_t start) : window_(std::make_unique<Window>()) {
  std::uint64_t* counter = nullptr;
  MPI_Win_allocate(g_rank == 0 ? sizeof(std::uint64_t) : 0, sizeof(std::uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                   &counter, &window_->win);
  if (g_rank == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_->win);
    *counter = start;
    MPI_Win_unlock(0, window_->win);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

SharedCounter::~SharedCounter() {
  MPI_Win_free(&window_->win);
}

std::uint64_t SharedCounter::next() {
  const std::uint64_t one = 1;
  std::uint64_t value = 0;
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_->win);
  MPI_Fetch_and_op(&one, &value, MPI_UINT64_T, 0, 0, MPI_SUM, window_->win);
  MPI_Win_unlock(0, window_->win);
  return value;
}

}  // namespace runtime

}  // namespace ivassign::distributed
