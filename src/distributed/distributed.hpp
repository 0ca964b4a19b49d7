// src/distributed/distributed.hpp — the command line's runs over processes: with IVASSIGN_MPI the
// independent tasks of the library's plans (MechanismPlan, GvcgPlan) are spread over MPI ranks
// (commands.cpp, over runtime.cpp, scheduler.hpp and the wire format of wire.hpp / wire_fields.hpp);
// without it, one process runs them all (serial.cpp). The library itself knows no MPI.
#pragma once
#include <exception>
#include <string>
#include <vector>

#include "ivassign/incentives.hpp"
#include "ivassign/instance.hpp"
#include "ivassign/mechanism.hpp"
#include "ivassign/social.hpp"

namespace ivassign::distributed {

/// MPI_Init / MPI_Finalize around the command when mpirun (or another launcher) started it; run
/// directly, even the MPI build is one process without MPI. Before MPI_Init, a rank of a machine with
/// GPUs is given the GPU of its local rank (CUDA_VISIBLE_DEVICES), one rank per GPU.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

/// This process's rank and the number of ranks (0 and 1 without MPI or outside mpirun).
int rank();
int ranks();
/// Ranks on this machine (for the threads each may use).
int local_ranks();
inline bool is_root() { return rank() == 0; }

/// Thrown on the ranks that stay silent about a failure another rank reports: the exit code to return.
struct QuietExit {
  int code = 1;
};
/// Whether this rank prints the error that ends the command: rank 0, unless another rank alone failed.
bool prints_errors();

/// The exit code of an exception as main() maps it: 2 bad input, 3 a resource, 1 otherwise.
int exit_code_of(const std::exception_ptr& error);

/// Threads per rank when the user gave none (0): the cores shared among the ranks of this machine.
int default_threads(int requested);

/// The instance file read once (rank 0) and parsed on every rank; errors as load_instance's.
Instance load_instance(const std::string& path);
/// The social problem file read once (rank 0) and parsed on every rank; errors as load_social_problem's.
SocialProblem load_social_problem(const std::string& path);

/// run_mechanism with its truthful and lie tasks spread over the ranks; the report (rank 0's; the other
/// ranks' hold no profiles) equals run_mechanism's, with `ranks` set.
MechanismReport run_mechanism(const Instance& instance, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options);
/// The same for a caller that hands the instance over: without MPI, the library's run_mechanism that
/// releases the instance's per-state values once they are no longer read; over the ranks, as above.
MechanismReport run_mechanism(Instance&& instance, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options);
/// check_incentives with the mechanism run it needs spread over the ranks (run_mechanism above); stage 1,
/// the budget and the stage-2 probes on rank 0. The report (rank 0's) equals check_incentives's.
CheckReport check_incentives(const Instance& instance, const CheckOptions& options);
/// replica_experiment with its sizes (one task each) spread over the ranks; the report (rank 0's) equals
/// replica_experiment's, with `ranks` set.
ReplicaReport replica_experiment(const Instance& base, const ReplicaOptions& options);
/// run_gvcg with its outcome and gain tasks spread over the ranks; the result (rank 0's) equals run_gvcg's.
GvcgResult run_gvcg(const SocialProblem& problem, const GvcgOptions& options);

/// audit_mechanism with its lie scans (one task per agent, type and lie) spread over the ranks; participation
/// and budget on rank 0. The result (rank 0's) equals audit_mechanism's.
AuditResult audit_mechanism(const SocialProblem& problem, const SocialMechanism& mechanism,
                            const AuditOptions& options);

/// check_epic with its groups (agent, t_-i) spread over the ranks on the CPU (on the device: one task);
/// the result (rank 0's) equals check_epic's.
EpicResult check_epic(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options);

}  // namespace ivassign::distributed
