// One process runs every task (a build without IVASSIGN_MPI): the library's own calls.
#include <utility>

#include "distributed/distributed.hpp"
#include "ivassign/instance_io.hpp"

namespace ivassign::distributed {

Session::Session(int&, char**&) {}
Session::~Session() = default;
int rank() { return 0; }
int ranks() { return 1; }
int local_ranks() { return 1; }
bool prints_errors() { return true; }

Instance load_instance(const std::string& path) { return ivassign::load_instance(path); }
SocialProblem load_social_problem(const std::string& path) { return ivassign::load_social_problem(path); }

MechanismReport run_mechanism(const Instance& instance, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options) {
  return ivassign::run_mechanism(instance, profiles, options);
}

MechanismReport run_mechanism(Instance&& instance, const std::vector<std::vector<int>>& profiles,
                              const MechanismOptions& options) {
  return ivassign::run_mechanism(std::move(instance), profiles, options);
}

CheckReport check_incentives(const Instance& instance, const CheckOptions& options) {
  return ivassign::check_incentives(instance, options);
}

ReplicaReport replica_experiment(const Instance& base, const ReplicaOptions& options) {
  return ivassign::replica_experiment(base, options);
}

GvcgResult run_gvcg(const SocialProblem& problem, const GvcgOptions& options) {
  return ivassign::run_gvcg(problem, options);
}

AuditResult audit_mechanism(const SocialProblem& problem, const SocialMechanism& mechanism,
                            const AuditOptions& options) {
  return ivassign::audit_mechanism(problem, mechanism, options);
}

EpicResult check_epic(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options) {
  return ivassign::check_epic(problem, rule, options);
}

}  // namespace ivassign::distributed
