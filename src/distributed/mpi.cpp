// The command line's runs over MPI ranks (IVASSIGN_MPI): rank 0 reads the input and broadcasts it,
// every rank builds the plan (deterministic), the tasks go out in chunks — chunk r to rank r first,
// then the next free chunk from a counter on rank 0 (MPI_Fetch_and_op), so uneven solve times even
// out — and the results come back in task order, so the report equals the single process's. One
// profile of a large market (fewer profiles than ranks) is split further: its minus-i searches in the
// buyer tasks of a VcgPlan; check's stage-2 probes are tasks too.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <type_traits>
#include <utility>

#include "distributed/distributed.hpp"
#include "ivassign/error.hpp"
#include "ivassign/instance_io.hpp"
#include "ivassign/solvers.hpp"
#include "ivassign/vcg.hpp"

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

/// Runs f on every rank; when any rank fails, the lowest failing rank rethrows its exception (and prints
/// it) and every other rank throws QuietExit with that rank's exit code: a failure is reported once and
/// every rank exits with the same code, none left waiting in a collective.
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

// ---- task results as bytes -------------------------------------------------------------------

/// Appends values and vectors of trivially copyable values (their bytes, so doubles travel exactly).
struct Writer {
  std::string bytes;
  template <class T>
  void value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    value<std::uint64_t>(v.size());
    if (!v.empty()) bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void text(const std::string& s) {
    value<std::uint64_t>(s.size());
    bytes += s;
  }
};

/// Reads what Writer wrote, in the same order.
struct Reader {
  const char* at;
  const char* end;
  template <class T>
  T value() {
    T v;
    take(&v, sizeof(T));
    return v;
  }
  template <class T>
  std::vector<T> vec() {
    std::vector<T> v(value<std::uint64_t>());
    take(v.data(), v.size() * sizeof(T));
    return v;
  }
  std::string text() {
    std::string s(value<std::uint64_t>(), '\0');
    take(s.data(), s.size());
    return s;
  }
  void take(void* out, std::size_t n) {
    if (n > static_cast<std::size_t>(end - at)) throw Error("MPI: a task result ended early (corrupt message)");
    if (n > 0) std::memcpy(out, at, n);
    at += n;
  }
};

/// Every item of the chunks `distribute` gathered, in task order: read(r) parses one item.
template <class Read>
auto read_items(const std::vector<std::string>& chunks, Read read) {
  std::vector<decltype(read(std::declval<Reader&>()))> items;
  for (const std::string& chunk : chunks) {
    Reader r{chunk.data(), chunk.data() + chunk.size()};
    while (r.at != r.end) items.push_back(read(r));
  }
  return items;
}

void write_outcome(Writer& w, const ProfileOutcome& o) {
  w.vec(o.assignment);
  w.value(o.welfare);
  w.vec(o.payoffs);
  w.vec(o.transfers);
  w.vec(o.minus_i_welfare);
  w.vec(o.minus_i_proven);
  w.vec(o.transfer_error_bound);
  w.vec(o.transfer_interval);
  w.value(o.transfers_certified);
  w.text(o.solver);
  w.value(o.solver_backend);
  w.value(o.solve_seconds);
  w.value(o.optimal);
}

ProfileOutcome read_outcome(Reader& r) {
  ProfileOutcome o;
  o.assignment = r.vec<int>();
  o.welfare = r.value<double>();
  o.payoffs = r.vec<double>();
  o.transfers = r.vec<double>();
  o.minus_i_welfare = r.vec<double>();
  o.minus_i_proven = r.vec<char>();
  o.transfer_error_bound = r.vec<double>();
  o.transfer_interval = r.vec<std::array<double, 2>>();
  o.transfers_certified = r.value<bool>();
  o.solver = r.text();
  o.solver_backend = r.value<Backend>();
  o.solve_seconds = r.value<double>();
  o.optimal = r.value<bool>();
  return o;
}

void write_result(Writer& w, const AssignmentResult& a) {
  w.vec(a.assignment);
  w.value(a.objective);
  w.value(a.optimal);
  w.value(a.status);
  w.value(a.upper_bound);
  w.value(a.iterations);
  w.value(a.seconds);
  w.text(a.solver);
  w.value(a.backend);
  w.vec(a.row_duals);
  w.vec(a.col_duals);
}

AssignmentResult read_result(Reader& r) {
  AssignmentResult a;
  a.assignment = r.vec<int>();
  a.objective = r.value<double>();
  a.optimal = r.value<bool>();
  a.status = r.value<SolveStatus>();
  a.upper_bound = r.value<double>();
  a.iterations = r.value<std::int64_t>();
  a.seconds = r.value<double>();
  a.solver = r.text();
  a.backend = r.value<Backend>();
  a.row_duals = r.vec<double>();
  a.col_duals = r.vec<double>();
  return a;
}

void write_part(Writer& w, const VcgPart& part) {
  w.value(part.first);
  w.vec(part.minus_i_welfare);
  w.vec(part.minus_i_upper_bound);
  w.vec(part.proven);
  w.value<std::uint64_t>(part.minus_i_assignment.size());
  for (const std::vector<int>& z : part.minus_i_assignment) w.vec(z);
}

VcgPart read_part(Reader& r) {
  VcgPart part;
  part.first = r.value<int>();
  part.minus_i_welfare = r.vec<double>();
  part.minus_i_upper_bound = r.vec<double>();
  part.proven = r.vec<char>();
  part.minus_i_assignment.resize(static_cast<std::size_t>(r.value<std::uint64_t>()));
  for (std::vector<int>& z : part.minus_i_assignment) z = r.vec<int>();
  return part;
}

// ---- tasks in chunks over the ranks ----------------------------------------------------------

/// Chunks of tasks [0, count): about eight per rank, so that a rank whose solves are slow takes fewer.
struct Chunks {
  std::uint64_t size = 1, count = 0;
  Chunks(std::uint64_t tasks, int ranks) {
    const std::uint64_t target = static_cast<std::uint64_t>(ranks) * 8;
    size = std::max<std::uint64_t>(1, (tasks + target - 1) / target);
    count = (tasks + size - 1) / size;
  }
  TaskRange range(std::uint64_t chunk, std::uint64_t tasks) const {
    const std::uint64_t first = chunk * size;
    return {first, std::min(size, tasks - first)};
  }
};

/// The next free chunk: fetch-and-add on the counter in rank 0's window.
std::uint64_t next_chunk(MPI_Win win) {
  const std::uint64_t one = 1;
  std::uint64_t next = 0;
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
  MPI_Fetch_and_op(&one, &next, MPI_UINT64_T, 0, 0, MPI_SUM, win);
  MPI_Win_unlock(0, win);
  return next;
}

/// This rank's share of tasks [0, tasks): records [chunk][bytes][result of run(range)] of the chunks it took.
std::string run_chunks(std::uint64_t tasks, const std::function<void(TaskRange, Writer&)>& run) {
  const Chunks chunks(tasks, g_size);
  std::uint64_t* counter = nullptr;
  MPI_Win win;
  MPI_Win_allocate(g_rank == 0 ? sizeof(std::uint64_t) : 0, sizeof(std::uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                   &counter, &win);
  if (g_rank == 0) {  // chunks 0..size-1 are the ranks' first ones
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
    *counter = static_cast<std::uint64_t>(g_size);
    MPI_Win_unlock(0, win);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Writer out;
  std::exception_ptr error;
  try {
    for (auto chunk = static_cast<std::uint64_t>(g_rank); chunk < chunks.count; chunk = next_chunk(win)) {
      Writer result;
      run(chunks.range(chunk, tasks), result);
      out.value(chunk);
      out.text(result.bytes);
    }
  } catch (...) {
    error = std::current_exception();  // this rank stops taking chunks; the others finish them
  }
  MPI_Win_free(&win);
  agree([&] {
    if (error) std::rethrow_exception(error);
  });
  return out.bytes;
}

/// Every rank's records at rank 0 (or at every rank when `everywhere`), as one result per chunk in
/// chunk order; empty on the ranks that receive nothing.
std::vector<std::string> gather_chunks(const std::string& mine, std::uint64_t tasks, bool everywhere) {
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
  std::vector<std::string> results;
  if (!receives) return results;
  results.resize(Chunks(tasks, g_size).count);
  Reader r{all.data(), all.data() + all.size()};
  while (r.at != r.end) {
    const auto chunk = r.value<std::uint64_t>();
    if (chunk >= results.size()) throw Error("MPI: a task result names chunk " + std::to_string(chunk));
    results[chunk] = r.text();
  }
  return results;
}

/// Tasks [0, tasks) over the ranks: run(range, writer) on each chunk; per chunk its result, in order.
std::vector<std::string> distribute(std::uint64_t tasks, bool everywhere,
                                    const std::function<void(TaskRange, Writer&)>& run) {
  return gather_chunks(run_chunks(tasks, run), tasks, everywhere);
}

/// Rank 0's bytes on every rank (in pieces of at most INT_MAX).
void broadcast(std::string& text) {
  auto size = static_cast<std::uint64_t>(text.size());
  MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  text.resize(static_cast<std::size_t>(size));
  for (std::uint64_t at = 0; at < size; at += INT_MAX) {
    const auto piece = static_cast<int>(std::min<std::uint64_t>(INT_MAX, size - at));
    MPI_Bcast(text.data() + at, piece, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
}

/// The file's text, read by rank 0 and broadcast (failures to read: rank 0 reports them).
std::string shared_text(const std::string& path) {
  std::string text;
  agree([&] {
    if (g_rank == 0) text = load_text(path);
  });
  broadcast(text);
  return text;
}

/// Truthful task `task` with its minus-i searches split over the ranks (one profile of a large market):
/// rank 0 solves the full problem and broadcasts the result, every rank builds the VcgPlan and takes
/// buyer tasks in chunks, rank 0 finishes the VCG. The outcome at rank 0 (empty on the others).
ProfileOutcome split_truthful(const Instance& in, const MechanismPlan& plan, std::uint64_t task) {
  TruthfulProblem tp;
  agree([&] { tp = truthful_problem(in, plan, task); });
  const auto start = std::chrono::steady_clock::now();
  AssignmentResult full;
  std::string bytes;
  agree([&] {
    if (g_rank != 0) return;
    full = solve_assignment(tp.problem, tp.options);
    Writer w;
    write_result(w, full);
    bytes = std::move(w.bytes);
  });
  broadcast(bytes);
  if (g_rank != 0) {
    Reader r{bytes.data(), bytes.data() + bytes.size()};
    full = read_result(r);
  }
  SolverOptions vcg_options = tp.options;  // the parts do not depend on the threads
  vcg_options.threads = plan.options.threads;
  std::optional<VcgPlan> vcg;
  agree([&] { vcg.emplace(tp.problem, full, vcg_options); });
  const auto chunks =
      distribute(vcg->buyer_tasks(), false, [&](TaskRange r, Writer& w) { write_part(w, vcg->minus_i(r)); });
  ProfileOutcome out;
  agree([&] {
    if (g_rank != 0) return;
    const VcgResult result = vcg->finish(read_items(chunks, read_part));
    out = truthful_outcome(full, result, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
  return out;
}

/// Every truthful outcome: tasks over the ranks, or, with fewer tasks than ranks and no lie tasks (the
/// requested profiles of a large market), each task's minus-i searches over the ranks. At rank 0, and
/// at every rank when the lie tasks read them.
std::vector<ProfileOutcome> truthful_everywhere(const Instance& in, const MechanismPlan& plan) {
  std::vector<ProfileOutcome> truthful;
  // without externalities and with the LAP, VCG has no minus-i searches (and the truthful LAPs are batched)
  const SolverKind kind = plan.options.solver.solver;
  const bool searches = in.externalities.form != Externalities::Form::None ||
                        (kind != SolverKind::Auto && kind != SolverKind::Lap);
  if (searches && plan.lie_tasks == 0 && plan.truthful_tasks < static_cast<std::uint64_t>(g_size)) {
    for (std::uint64_t task = 0; task < plan.truthful_tasks; ++task) truthful.push_back(split_truthful(in, plan, task));
    return truthful;
  }
  // every rank needs every truthful outcome when the lie tasks read them
  const auto chunks = distribute(plan.truthful_tasks, plan.lie_tasks > 0, [&](TaskRange r, Writer& w) {
    for (const ProfileOutcome& o : truthful_outcomes(in, plan, r)) write_outcome(w, o);
  });
  return read_items(chunks, read_outcome);
}

/// check's stage-2 plan from rank 0's mechanism report, on every rank.
StageTwoPlan stage_two_plan_everywhere(const Instance& in, const CheckOptions& options, const MechanismReport& mech) {
  StageTwoPlan plan;
  std::string bytes;
  agree([&] {
    if (g_rank != 0) return;
    plan = plan_stage_two(in, options, mech);
    Writer w;
    w.value<std::uint64_t>(plan.profiles.size());
    for (std::size_t k = 0; k < plan.profiles.size(); ++k) {
      w.vec(plan.profiles[k]);
      w.vec(plan.posteriors[k]);
    }
    bytes = std::move(w.bytes);
  });
  broadcast(bytes);
  if (g_rank == 0) return plan;
  Reader r{bytes.data(), bytes.data() + bytes.size()};
  plan.profiles.resize(static_cast<std::size_t>(r.value<std::uint64_t>()));
  plan.posteriors.resize(plan.profiles.size());
  for (std::size_t k = 0; k < plan.profiles.size(); ++k) {
    plan.profiles[k] = r.vec<int>();
    plan.posteriors[k] = r.vec<double>();
  }
  return plan;
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

Instance load_instance(const std::string& path) {
  if (!g_mpi) return ivassign::load_instance(path);
  const std::string text = shared_text(path);
  Instance in;
  agree([&] {
    in = parse_instance(text, path);
    if (in.name.empty()) in.name = std::filesystem::path(path).stem().string();
  });
  return in;
}

SocialProblem load_social_problem(const std::string& path) {
  if (!g_mpi) return ivassign::load_social_problem(path);
  std::string text;
  try {
    text = shared_text(path);
  } catch (const InputError&) {  // the message of load_social_problem
    throw InputError(path + ": cannot open the file (missing or unreadable)");
  }
  SocialProblem p;
  agree([&] { p = parse_social_problem(text, path); });
  return p;
}

MechanismReport run_mechanism(const Instance& in, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options) {
  if (!g_mpi) return ivassign::run_mechanism(in, profiles, options);
  MechanismPlan plan;
  agree([&] { plan = plan_mechanism(in, profiles, options); });
  std::vector<ProfileOutcome> truthful = truthful_everywhere(in, plan);
  const auto lie_chunks = distribute(plan.lie_tasks, false, [&](TaskRange r, Writer& w) {
    for (const std::vector<double>& c : stage_one_contributions(in, plan, truthful, r)) w.vec(c);
  });
  MechanismReport report;
  agree([&] {
    if (g_rank != 0) return;
    const auto contributions = read_items(lie_chunks, [](Reader& r) { return r.vec<double>(); });
    report = finish_mechanism(in, std::move(plan), std::move(truthful), contributions);
  });
  report.ranks = g_size;
  return report;
}

MechanismReport run_mechanism(Instance&& in, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options) {
  if (!g_mpi) return ivassign::run_mechanism(std::move(in), profiles, options);
  return distributed::run_mechanism(std::as_const(in), profiles, options);
}

CheckReport check_incentives(const Instance& in, const CheckOptions& options) {
  if (!g_mpi) return ivassign::check_incentives(in, options);
  CheckRun run;
  agree([&] { run = check_mechanism_run(in, options); });
  const MechanismReport mechanism = distributed::run_mechanism(in, run.profiles, run.options);
  // the stage-2 probes over the ranks: rank 0 (which holds the mechanism report) picks the profiles
  const StageTwoPlan stage2 = stage_two_plan_everywhere(in, options, mechanism);
  const auto chunks = distribute(stage2.profiles.size(), false, [&](TaskRange r, Writer& w) {
    for (const StageTwoProbe& p : stage_two_probes(in, options, stage2, r)) {
      w.value(p.max_gain);
      w.value(p.tried);
      w.value(p.exact);
      w.value(p.worst_buyer);
      w.text(p.worst_kind);
    }
  });
  CheckReport report;
  agree([&] {
    if (g_rank != 0) return;
    const auto probes = read_items(chunks, [](Reader& r) {
      StageTwoProbe p;
      p.max_gain = r.value<double>();
      p.tried = r.value<std::int64_t>();
      p.exact = r.value<bool>();
      p.worst_buyer = r.value<int>();
      p.worst_kind = r.text();
      return p;
    });
    report = check_from_mechanism(in, options, mechanism, probes);
  });
  report.ranks = g_size;
  return report;
}

ReplicaReport replica_experiment(const Instance& base, const ReplicaOptions& options) {
  if (!g_mpi) return ivassign::replica_experiment(base, options);
  agree([&] { replica_rows(base, options, {0, 0}); });  // the options' errors, once, before any work
  const auto chunks = distribute(options.sizes.size(), false, [&](TaskRange r, Writer& w) {
    for (const ReplicaRow& row : replica_rows(base, options, r)) w.value(row);
  });
  ReplicaReport report;
  agree([&] {
    if (g_rank != 0) return;
    report = replica_report(base, options, read_items(chunks, [](Reader& r) { return r.value<ReplicaRow>(); }));
  });
  report.ranks = g_size;
  return report;
}

GvcgResult run_gvcg(const SocialProblem& problem, const GvcgOptions& options) {
  if (!g_mpi) return ivassign::run_gvcg(problem, options);
  std::optional<GvcgPlan> plan;
  agree([&] { plan.emplace(problem, options); });
  const auto outcome_chunks = distribute(plan->outcome_tasks(), true, [&](TaskRange r, Writer& w) {
    const GvcgOutcomes o = plan->outcomes(r);
    w.vec(o.outcome);
    w.vec(o.transfers);
  });
  GvcgOutcomes all;
  for (const std::string& chunk : outcome_chunks) {
    Reader r{chunk.data(), chunk.data() + chunk.size()};
    const auto q = r.vec<int>();
    const auto alpha = r.vec<double>();
    all.outcome.insert(all.outcome.end(), q.begin(), q.end());
    all.transfers.insert(all.transfers.end(), alpha.begin(), alpha.end());
  }
  plan->set_outcomes(std::move(all));
  const auto gain_chunks = distribute(plan->gain_tasks(), false, [&](TaskRange r, Writer& w) {
    w.vec(plan->gain_blocks(r));
  });
  GvcgResult result;
  agree([&] {
    if (g_rank != 0) return;
    std::vector<double> blocks;
    for (const std::string& chunk : gain_chunks) {
      Reader r{chunk.data(), chunk.data() + chunk.size()};
      const auto part = r.vec<double>();
      blocks.insert(blocks.end(), part.begin(), part.end());
    }
    result = plan->finish(blocks);
  });
  result.ranks = g_size;
  return result;
}

AuditResult audit_mechanism(const SocialProblem& problem, const SocialMechanism& mechanism,
                            const AuditOptions& options) {
  if (!g_mpi) return ivassign::audit_mechanism(problem, mechanism, options);
  std::optional<AuditPlan> plan;
  agree([&] { plan.emplace(problem, mechanism, options); });
  const auto lie_chunks = distribute(plan->lie_tasks(), false, [&](TaskRange r, Writer& w) { w.vec(plan->lies(r)); });
  AuditResult result;
  agree([&] {
    if (g_rank != 0) return;
    std::vector<AuditLie> lies;
    for (const std::string& chunk : lie_chunks) {
      Reader r{chunk.data(), chunk.data() + chunk.size()};
      const auto part = r.vec<AuditLie>();
      lies.insert(lies.end(), part.begin(), part.end());
    }
    result = plan->finish(lies);
  });
  result.ranks = g_size;
  return result;
}

EpicResult check_epic(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options) {
  if (!g_mpi) return ivassign::check_epic(problem, rule, options);
  std::optional<EpicPlan> plan;
  agree([&] { plan.emplace(problem, rule, options); });
  const auto group_chunks = distribute(plan->group_tasks(), false, [&](TaskRange r, Writer& w) {
    for (const EpicGroup& g : plan->groups(r)) {
      w.value(g.violated);
      w.vec(g.cycle);
      w.value(g.gain);
      w.vec(g.transfers);
    }
  });
  EpicResult result;
  agree([&] {
    if (g_rank != 0) return;
    const auto groups = read_items(group_chunks, [](Reader& r) {
      EpicGroup g;
      g.violated = r.value<bool>();
      g.cycle = r.vec<int>();
      g.gain = r.value<double>();
      g.transfers = r.vec<double>();
      return g;
    });
    result = plan->finish(groups);
  });
  result.ranks = g_size;
  return result;
}

}  // namespace ivassign::distributed
