// ivassign/social.hpp — the foundations' general model (shared spec social-format.md): finite
// outcomes C with a status quo c0, agents with finite type sets T_i, states theta, quasi-linear
// payoffs, and the three analyses of the papers on it:
//
//   run_gvcg()        augmented generalized VCG, one stage (2013) or two stages with stage-2
//                     payoff-vector reports (2017): efficient outcome, GVCG transfers, spherical
//                     rewards, informational size, variabilities, aggregate uncertainty, epsilon
//   audit_mechanism() Bayesian / ex post IC (worst lie, margin), weak epsilon-ex post level (2013,
//                     Definition 4), ex post and interim IR, budget
//   check_epic()      ex post implementability of a decision rule (2002 ex post paper): no positive
//                     cycle per agent and t_-i, else a witness; the pointwise smallest ex post IC and
//                     IR transfers and their budget
//   generate_social_*() the papers' examples as problems
//
// Profiles are flat C-order indices (t_1 slowest). Problems that break a rule of the format throw
// InputError naming key, index and rule; nothing is computed from them. Per-element formulas live
// in kernels/social_math.cuh (host and device); per-profile work is batched with OpenMP.
//
//   auto p = ivassign::load_social_problem("auction.json");
//   ivassign::GvcgOptions o;  o.stages = 2;
//   std::cout << ivassign::gvcg_report_json(ivassign::run_gvcg(p, o));
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ivassign/backend.hpp"
#include "ivassign/tasks.hpp"

namespace ivassign {

/// A social choice problem, `ivassign-social/1`.
struct SocialProblem {
  enum class Values { ByState, ByProfile };
  enum class Prior { Joint, ConditionallyIndependent, Types, Uniform };

  std::string name;
  int agents = 0;                         ///< n
  std::vector<int> types;                 ///< K_i
  int outcomes = 0;                       ///< |C|
  std::vector<std::string> outcome_names; ///< empty, or |C| names
  int status_quo = 0;                     ///< c0
  int states = 0;                         ///< m (ByState); 0 with ByProfile (Theta = T)

  Values values_form = Values::ByState;
  /// ByState: agent blocks [m][K_i][|C|] at value_offset[i]; ByProfile: [|T|][n][|C|].
  std::vector<double> values;
  std::vector<std::uint64_t> value_offset;

  Prior prior_form = Prior::Uniform;
  std::vector<double> prior_joint;                 ///< Joint: [m * |T|] (theta slowest); Types: [|T|]
  std::vector<double> prior_lambda;                ///< ConditionallyIndependent: [m]
  std::vector<std::vector<double>> prior_q;        ///< ConditionallyIndependent: [n][m * K_i]

  std::optional<double> bound;                     ///< M; absent: the largest absolute value
  std::vector<std::vector<int>> signal;            ///< decomposition f_i(t_i), [n][K_i]; empty: none

  bool has_mechanism = false;
  std::vector<int> mechanism_outcome;              ///< [|T|]
  std::vector<double> mechanism_transfers;         ///< [|T|][n]

  std::uint64_t profiles() const;                  ///< |T| = prod K_i
  double effective_bound() const;                  ///< M
  /// v_i(c, theta, t_i) of the ByState form.
  double value(int agent, int state, int type, int outcome) const {
    return values[value_offset[agent] + (static_cast<std::uint64_t>(state) * types[agent] + type) * outcomes + outcome];
  }
};

/// Reads and validates a problem file (InputError: missing file, malformed JSON with line and
/// column, or the first broken rule with key, index and rule).
SocialProblem load_social_problem(const std::string& path);
/// Same from JSON text; `origin` names it in messages.
SocialProblem parse_social_problem(const std::string& text, const std::string& origin);
/// The rules of the format that do not concern JSON syntax (the loader calls it; generators too).
void validate_social_problem(const SocialProblem& problem);
/// The problem as an `ivassign-social/1` document, and written atomically to a file.
std::string social_problem_to_json(const SocialProblem& problem);
void save_social_problem(const SocialProblem& problem, const std::string& path);
/// A mechanism file (`{"mechanism": {...}}` or the mechanism object itself) for `problem`.
void load_social_mechanism(const std::string& path, SocialProblem& problem);

/// The four measures of a prior, per agent (social-format.md, Definitions). `null` in the report is
/// an empty optional (an agent with one type has no pair of types).
struct SocialMeasures {
  std::vector<double> informational_size;                  ///< nu_i
  std::vector<std::optional<double>> variability;          ///< Lambda_i
  std::vector<double> aggregate_uncertainty;               ///< mu_i
  std::vector<std::optional<double>> state_variability;    ///< Lambda^Theta_i
  bool nonexclusive_information = false;                   ///< every nu_i == 0
};

struct GvcgOptions {
  enum class Epsilon { Exact, Theorem, Value };
  int stages = 1;                          ///< 1 (2013) or 2 (2017, needs a decomposition)
  Epsilon epsilon = Epsilon::Exact;
  double epsilon_value = 0.0;              ///< with Epsilon::Value
  bool all_profiles = true;                ///< every profile of T*; else `profiles`
  std::vector<std::vector<int>> profiles;
  int threads = 0;                         ///< 0: all cores
  bool list_profiles = true;               ///< false: measures and epsilon only (benchmarks)
  /// Where the measures run (the engine of posterior.hpp); the profile loops run on the CPU.
  Backend backend = Backend::Auto;
};

struct GvcgProfile {
  std::vector<int> profile;
  int outcome = 0;
  double welfare = 0.0;
  std::vector<double> values, transfers, rewards, net;
};

struct GvcgResult {
  int stages = 1;
  Backend backend = Backend::Cpu;  ///< where the measures ran
  SocialMeasures measures;
  std::optional<double> epsilon_exact, epsilon_theorem, epsilon_used;
  std::vector<GvcgProfile> profiles;
  int ranks = 1;                   ///< processes whose tasks made it (MPI ranks of the command line)
};

/// InputError when the values leave [0, M] (the theorems' assumption), stages is not 1 or 2, two
/// stages without a decomposition or with ByProfile values, or a profile out of range.
GvcgResult run_gvcg(const SocialProblem& problem, const GvcgOptions& options);
std::string gvcg_report_json(const GvcgResult& result);

/// The efficient outcome and GVCG transfers of a range of type profiles (q [count], alpha [count][n]).
struct GvcgOutcomes {
  std::vector<int> outcome;
  std::vector<double> transfers;
};

/// run_gvcg in independent tasks (tasks.hpp): any split, concatenated in task order, gives run_gvcg's result.
///   GvcgPlan plan(problem, options);     // on every worker: validation, tables, measures (deterministic)
///   outcomes: ranges covering [0, plan.outcome_tasks()) -> plan.outcomes(range), concatenated; plan.set_outcomes(all)
///   gains:    ranges covering [0, plan.gain_tasks()) -> plan.gain_blocks(range), concatenated (block-major)
///   GvcgResult result = plan.finish(all_blocks);
/// The problem must outlive the plan.
class GvcgPlan {
 public:
  GvcgPlan(const SocialProblem& problem, const GvcgOptions& options);
  ~GvcgPlan();
  GvcgPlan(GvcgPlan&&) noexcept;
  GvcgPlan& operator=(GvcgPlan&&) noexcept;
  /// One task per type profile: its outcome and transfers.
  std::uint64_t outcome_tasks() const;
  /// One task per block of kGvcgGainBlock type profiles: the block's sums of the lie gains G.
  std::uint64_t gain_tasks() const;
  /// Width of one gain block's sums (sum_i K_i x lies_i).
  std::size_t gain_width() const;
  GvcgOutcomes outcomes(TaskRange range) const;
  /// Every profile's outcome, in profile order (the gains read the outcomes of the lies' profiles).
  void set_outcomes(GvcgOutcomes all);
  std::vector<double> gain_blocks(TaskRange range) const;
  /// Epsilon, the rows of the listed profiles; `blocks` holds every gain task's sums in task order.
  GvcgResult finish(const std::vector<double>& blocks);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};
/// Type profiles per gain task (the gains are summed per block, then the blocks in order).
inline constexpr std::uint64_t kGvcgGainBlock = 1024;

/// A direct mechanism: outcome [|T|], transfers [|T|][n].
struct SocialMechanism {
  std::vector<int> outcome;
  std::vector<double> transfers;
};

/// The efficient rule q(t) on every profile (c0 outside T*; ties to the lowest index).
std::vector<int> efficient_rule(const SocialProblem& problem, int threads = 0);
/// The mechanism in the problem (InputError when it has none).
SocialMechanism problem_mechanism(const SocialProblem& problem);

struct SocialBudget {
  double max_deficit = 0.0;       ///< max over T* of sum_i x_i(t)
  double expected_deficit = 0.0;  ///< E[sum_i x_i]
};

struct AuditOptions {
  int threads = 0;                  ///< 0: all cores
  /// Where the lie scans run (the profile loops over t_-i for each agent, type and lie); participation
  /// and budget run on the CPU. Device: kernels/device_audit.cu, the same per-element functions.
  Backend backend = Backend::Auto;
};

struct AuditResult {
  Backend backend = Backend::Cpu;   ///< where the lie scans ran (Cpu or Device)
  double bayesian_min_margin = 0.0;
  bool bayesian_ic = true;
  int bayesian_agent = -1, bayesian_type = -1, bayesian_report = -1;  ///< -1: no pair of types
  double ex_post_max_gain = 0.0;
  bool ex_post_ic = true;
  int ex_post_agent = -1, ex_post_report = -1;
  std::vector<int> ex_post_profile;
  double weak_ex_post_epsilon = 0.0;
  double ir_ex_post_min = 0.0, ir_interim_min = 0.0;
  SocialBudget budget;
  int ranks = 1;                    ///< processes whose tasks made it (MPI ranks of the command line)
};

/// InputError when the mechanism's shape or an outcome is out of range.
AuditResult audit_mechanism(const SocialProblem& problem, const SocialMechanism& mechanism, int threads = 0);
AuditResult audit_mechanism(const SocialProblem& problem, const SocialMechanism& mechanism,
                            const AuditOptions& options);
std::string audit_report_json(const AuditResult& result);

/// One lie (agent i, true type, reported type) of the audit: the Bayesian margin, the largest ex post
/// gain and the first type profile where it occurs, the weak ex post level.
struct AuditLie {
  double margin = 0.0;
  double best_gain = -std::numeric_limits<double>::infinity();
  std::uint64_t best_profile = 0;
  double level = 0.0;
};

/// audit_mechanism in independent tasks (tasks.hpp), one per lie in the order (agent, type, report):
/// any split of [0, lie_tasks()) into ranges, concatenated in order, gives audit_mechanism's result.
/// The problem must outlive the plan.
class AuditPlan {
 public:
  AuditPlan(const SocialProblem& problem, const SocialMechanism& mechanism, const AuditOptions& options);
  ~AuditPlan();
  AuditPlan(AuditPlan&&) noexcept;
  AuditPlan& operator=(AuditPlan&&) noexcept;
  std::uint64_t lie_tasks() const;
  /// The lies of `range` (on the device when the options ask for it and they fit).
  std::vector<AuditLie> lies(TaskRange range) const;
  /// Combines every lie (in task order) and adds participation and budget; backend: where this plan's
  /// lie scans ran.
  AuditResult finish(const std::vector<AuditLie>& lies) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

struct EpicOptions {
  int threads = 0;                  ///< 0: all cores
  /// Where the groups (agent i, t_-i) are solved: Device runs one group per device thread
  /// (kernels/device_epic.cu, agents with at most 32 types), the same per-element functions; a group
  /// still relaxing after its last round is re-checked on the CPU for the witness cycle.
  Backend backend = Backend::Auto;
};

struct EpicResult {
  Backend backend = Backend::Cpu;   ///< where the groups were solved (Cpu or Device)
  bool implementable = false;
  // when not implementable: agent i, the others' types t_-i, a cycle of i's types with its gain
  // sum_k [v^_i(q(c_{k+1}, t_-i); c_k, t_-i) - v^_i(q(c_k, t_-i); c_k, t_-i)] > 0 (indices mod length)
  int agent = -1;
  std::vector<int> others, cycle;
  double gain = 0.0;
  // when implementable
  std::vector<double> transfers;  ///< [|T|][n]
  SocialBudget budget;
  int ranks = 1;                  ///< processes whose tasks made it (MPI ranks of the command line)
};

/// Ex post implementability of the outcome rule `rule` ([|T|]). Outside T* the transfers are the
/// largest ones <= 0 that keep every lie to that profile unprofitable (0 when q = c0 there).
EpicResult check_epic(const SocialProblem& problem, const std::vector<int>& rule, int threads = 0);
EpicResult check_epic(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options);
std::string epic_report_json(const EpicResult& result, int agents);

/// One group (agent i, the others' types t_-i) of check_epic: a positive cycle (with its gain), or agent
/// i's transfers at the K_i profiles (t_i, t_-i), t_i = 0..K_i-1.
struct EpicGroup {
  bool violated = false;
  std::vector<int> cycle;
  double gain = 0.0;
  std::vector<double> transfers;
};

/// check_epic in independent tasks (tasks.hpp): one group per task on the CPU, all groups in one task
/// when they run on the device (one launch). Any split of [0, group_tasks()) into ranges, concatenated
/// in order, gives check_epic's result. The problem must outlive the plan.
class EpicPlan {
 public:
  EpicPlan(const SocialProblem& problem, const std::vector<int>& rule, const EpicOptions& options);
  ~EpicPlan();
  EpicPlan(EpicPlan&&) noexcept;
  EpicPlan& operator=(EpicPlan&&) noexcept;
  std::uint64_t group_tasks() const;
  /// The groups of the tasks in `range`, in order.
  std::vector<EpicGroup> groups(TaskRange range) const;
  /// The first violated group in order, else every group's transfers and the budget.
  EpicResult finish(const std::vector<EpicGroup>& groups) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- the papers' examples -------------------------------------------------------------------

/// 2017 section 2: an object, `agents` bidders, `states` equally likely states, each bidder's signal
/// equals the state with probability rho (else uniform over the other states), `utility_types`
/// equally likely private utility types independent of everything; type t_i = U * signal + utility,
/// decomposition by signal, v_i(agent i wins, theta, t_i) = w_i(theta, utility). The w are drawn
/// uniformly from [0, max_value] (3 decimals, splitmix64 from `seed`) unless `utilities` gives them
/// ([n][m][U] flattened).
struct SocialAuctionOptions {
  int agents = 3, states = 2, utility_types = 2;
  double rho = 0.9, max_value = 10.0;
  std::uint64_t seed = 1;
  std::vector<double> utilities;
};
SocialProblem generate_social_auction(const SocialAuctionOptions& options);

/// 1999 section 4.1: the three B agents, signals alpha/beta of accuracy (1 + r)/2 on two equally
/// likely states, outcomes no trade / trade at the state-1 or state-2 prices (majority estimate),
/// values -20 / -4 for the good, the payment table (22, 21; 5, 6) as the mechanism.
SocialProblem generate_social_exchange(double r);

/// 2002 bilateral trade: buyer v = s_0 + a s_1, seller -(s_1 + a s_0) at trade, s on the grid
/// {0, 1/(g-1), ..., 1}, uniform prior, ByProfile values.
SocialProblem generate_social_trade(double a, int grid);

/// A public good: v_i(provide) = s_i + a * mean_{j != i} s_j - cost / n, s on the grid of `grid`
/// points in [0, 1], uniform prior, ByProfile values.
SocialProblem generate_social_public_good(int agents, double a, int grid, double cost);

}  // namespace ivassign
