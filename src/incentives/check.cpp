// check_incentives: stage-1 margins, stage-2 misreport probing, budget and participation.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>

#include "common/parallel.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/incentives.hpp"
#include "ivassign/options.hpp"
#include "ivassign/tolerances.hpp"

namespace ivassign {

namespace {

/// Buyers probed per stage-2 profile: all, or stage2_buyers of them when that is positive and smaller.
int stage2_buyer_count(int buyers, const CheckOptions& opt) {
  return opt.stage2_buyers > 0 ? std::min(buyers, opt.stage2_buyers) : buyers;
}

// ---- the counted work (CheckOptions::work_limit, in LAP weights) ------------------------------------

/// Misreports per probed buyer: 4 scaled, 2 externality, 3 permuted, min(s, 8) targeted, random, local steps.
std::int64_t misreports_per_buyer(const Instance& in, const CheckOptions& opt) {
  return 9 + std::min(in.sellers, 8) + opt.random_misreports + opt.local_search_steps;
}
double solve_work(const Instance& in) { return static_cast<double>(in.buyers) * static_cast<double>(in.sellers); }
/// A budget profile: the full solve and n minus-i searches (VCG's Lagrangian bound, with its own counted budget,
/// is left out: it would count 1000 solves at 50 x 200, where a profile takes 0.05 s).
double profile_work(const Instance& in) { return (1.0 + in.buyers) * solve_work(in); }

/// The budget's profiles when sampled: budget_samples, cut to half of the limit when left at its default.
int budget_profile_count(const Instance& in, const CheckOptions& opt) {
  if (!(opt.work_limit > 0) || opt.budget_samples != CheckOptions{}.budget_samples) return opt.budget_samples;
  const double affordable = std::floor(opt.work_limit / 2 / profile_work(in));
  return static_cast<int>(std::clamp(affordable, 1.0, static_cast<double>(opt.budget_samples)));
}
double budget_work(const Instance& in, const CheckOptions& opt, bool exact) {
  return exact ? 0.0 : budget_profile_count(in, opt) * profile_work(in);
}

/// How stage 2 probes: profiles, buyers per profile, misreports per buyer (at most).
struct StageTwoShape {
  std::size_t profiles = 0;
  int buyers = 0;
  std::int64_t misreports = 0;
};

/// Stage 2's shape for `available` profiles: the options' counts when they fit the solves the limit leaves
/// (at least half of it), else fewer profiles, then fewer buyers, then fewer misreports; nothing below 2 solves.
/// Counts set otherwise than their defaults are kept. Depends on `available` only through the profile count,
/// so a worker knowing only the plan's profiles gets the same shape (stage_two_probes).
StageTwoShape stage_two_shape(const Instance& in, const CheckOptions& opt, bool exact, std::size_t available) {
  const CheckOptions defaults;
  const int buyers = stage2_buyer_count(in.buyers, opt);
  const std::int64_t m = misreports_per_buyer(in, opt);
  const std::size_t profiles = std::min(available, static_cast<std::size_t>(opt.stage2_profiles));
  const double per_profile = 1.0 + static_cast<double>(buyers) * static_cast<double>(m);
  if (!(opt.work_limit > 0) || opt.stage2_profiles != defaults.stage2_profiles || opt.stage2_buyers != defaults.stage2_buyers)
    return {profiles, buyers, m};
  const double rest = opt.work_limit - std::min(budget_work(in, opt, exact), opt.work_limit / 2);
  const double solves = std::floor(rest / solve_work(in));
  if (static_cast<double>(profiles) * per_profile <= solves) return {profiles, buyers, m};
  if (solves < 2 || profiles == 0) return {0, 0, 0};
  const auto cut = static_cast<std::size_t>(std::clamp(std::floor(solves / per_profile), 1.0, static_cast<double>(profiles)));
  const double each = std::floor(solves / static_cast<double>(cut)) - 1;  // misreports per profile
  const int b = static_cast<int>(std::clamp(std::floor(each / static_cast<double>(m)), 1.0, static_cast<double>(buyers)));
  return {cut, b, b > 1 ? m : std::min<std::int64_t>(m, static_cast<std::int64_t>(each))};
}

/// Multiplies buyer i's externality costs (his row c_i..^..) by `factor`.
void scale_externality_row(AssignmentProblem& p, int i, double factor) {
  auto& e = p.externalities;
  const std::size_t n = static_cast<std::size_t>(p.buyers), s = static_cast<std::size_t>(p.sellers);
  switch (e.form) {
    case ExternalityCosts::Form::None: break;
    case ExternalityCosts::Form::Dense: {
      const std::size_t row = s * n * s;
      for (std::size_t k = 0; k < row; ++k) e.dense[i * row + k] *= factor;
      break;
    }
    case ExternalityCosts::Form::Sparse:
      for (auto& x : e.sparse)
        if (x.i == i) x.value *= factor;
      break;
    case ExternalityCosts::Form::Factored:
      for (int t = 0; t < e.terms; ++t) e.weight[static_cast<std::size_t>(i) * e.terms + t] *= factor;
      break;
  }
}

/// Stage-2 probe of one profile: every buyer's misreports; gain = W_true(z') - W_true(z*).
using Probe = StageTwoProbe;

/// u_i(rho) and v_i(rho) rows of buyer i: a report changes u (and c), the seller costs stay public.
void expected_rows(const Instance& in, const std::vector<double>& rho, int i, std::vector<double>& u,
                   std::vector<double>& v) {
  const int s = in.sellers;
  u.assign(s, 0.0);
  v.assign(s, 0.0);
  for (int j = 0; j < s; ++j)
    for (int t = 0; t < in.states; ++t) {
      u[j] += rho[t] * in.valuations[in.value_index(t, i, j)];
      v[j] += rho[t] * in.costs[in.value_index(t, i, j)];
    }
}

/// Solves the truthful problem with buyer i's report swapped in and records the true-welfare gain.
/// At most `cap` misreports per buyer (CheckOptions::work_limit); `done` is called after each.
struct Prober {
  const AssignmentProblem& truth;
  const SolverOptions& solver;
  double w_star;
  Probe& probe;
  std::int64_t cap;
  const std::function<void()>& done;
  std::int64_t buyer_tried = 0;

  double evaluate(int i, const std::vector<double>& u_report, const std::vector<double>& v, double ext_factor,
                  const std::string& kind) {
    if (buyer_tried >= cap) return -std::numeric_limits<double>::infinity();
    ++buyer_tried;
    const int s = truth.sellers;
    AssignmentProblem reported = truth;
    for (int j = 0; j < s; ++j) reported.linear[static_cast<std::size_t>(i) * s + j] = u_report[j] - v[j];
    if (ext_factor != 1.0) scale_externality_row(reported, i, ext_factor);
    const AssignmentResult r = solve_assignment(reported, solver);
    probe.exact = probe.exact && r.optimal;
    const double gain = truth.objective(r.assignment) - w_star;
    ++probe.tried;
    probe.buyer_max_gain.back() = std::max(probe.buyer_max_gain.back(), gain);
    if (done) done();
    if (gain > probe.max_gain) {
      probe.max_gain = gain;
      probe.worst_buyer = i;
      probe.worst_kind = kind;
    }
    return gain;
  }
};

/// The buyers probed: all, or a seeded sample of `probed` of them (partial Fisher-Yates), sorted.
std::vector<int> probed_buyers(int n, int probed, CounterStream& rng) {
  std::vector<int> buyers(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) buyers[static_cast<std::size_t>(i)] = i;
  for (int k = 0; k < probed && probed < n; ++k) std::swap(buyers[static_cast<std::size_t>(k)], buyers[static_cast<std::size_t>(k + rng.below(n - k))]);
  buyers.resize(static_cast<std::size_t>(probed));
  std::sort(buyers.begin(), buyers.end());
  return buyers;
}

/// The fixed misreports of buyer i: scaled valuations, scaled externalities, permutations, targeted claims.
void probe_fixed_misreports(Prober& prober, int i, const std::vector<double>& u, const std::vector<double>& v,
                            double M, CounterStream& rng) {
  const int s = prober.truth.sellers;
  std::vector<double> rep(s);
  for (double f : {0.0, 0.5, 1.5, 3.0}) {
    for (int j = 0; j < s; ++j) rep[j] = f * u[j];
    prober.evaluate(i, rep, v, 1.0, f == 0.0 ? "zeroed valuations" : "valuations scaled x" + std::to_string(f).substr(0, 3));
  }
  for (double f : {0.0, 2.0}) prober.evaluate(i, u, v, f, f == 0.0 ? "externalities deflated to 0" : "externalities inflated x2");
  for (int k = 0; k < 3; ++k) {
    rep = u;
    for (int j = s - 1; j > 0; --j) std::swap(rep[j], rep[rng.below(j + 1)]);
    prober.evaluate(i, rep, v, 1.0, "permuted valuations");
  }
  for (int j = 0; j < std::min(s, 8); ++j) {  // targeted: claim one licence is worth 2M, the others 0
    std::fill(rep.begin(), rep.end(), 0.0);
    rep[j] = 2.0 * M;
    prober.evaluate(i, rep, v, 0.0, "targeted at seller " + std::to_string(j));
  }
}

/// Random misreports of buyer i, then a best response by hill climbing from the best random report.
void probe_searched_misreports(Prober& prober, int i, const std::vector<double>& u, const std::vector<double>& v,
                               double M, const CheckOptions& opt, CounterStream& rng) {
  const int s = prober.truth.sellers;
  std::vector<double> rep(s);
  std::vector<double> best_report = u;
  double best_gain = -std::numeric_limits<double>::infinity();
  double best_ext = 1.0;
  for (int k = 0; k < opt.random_misreports; ++k) {
    for (int j = 0; j < s; ++j) rep[j] = u[j] * 2.0 * rng.uniform() + (rng.uniform() < 0.2 ? M * rng.uniform() : 0.0);
    const double ext = 2.0 * rng.uniform();
    const double g = prober.evaluate(i, rep, v, ext, "random report");
    if (g > best_gain) {
      best_gain = g;
      best_report = rep;
      best_ext = ext;
    }
  }
  // best response by hill climbing from the best random report
  double step = M / 4;
  for (int k = 0; k < opt.local_search_steps; ++k) {
    rep = best_report;
    const int j = rng.below(s);
    rep[j] = std::max(0.0, rep[j] + (rng.uniform() < 0.5 ? -step : step));
    const double g = prober.evaluate(i, rep, v, best_ext, "local-search best response");
    if (g > best_gain) {
      best_gain = g;
      best_report = rep;
    } else if (k % 8 == 7) {
      step /= 2;
    }
  }
}

Probe probe_profile(const Instance& in, const std::vector<double>& rho, const CheckOptions& opt, const StageTwoShape& shape,
                    std::uint64_t seed, const std::function<void()>& done) {
  const int n = in.buyers;
  const double M = in.effective_bound();
  SolverOptions solver = opt.mechanism.vcg.search;
  solver.threads = 1;
  if (solver.backend == Backend::Auto) solver.backend = Backend::Cpu;
  const AssignmentProblem truth = expected_problem(in, rho);
  const AssignmentResult best = solve_assignment(truth, solver);
  const double w_star = truth.objective(best.assignment);
  Probe probe;
  probe.exact = best.optimal;
  probe.truthful_welfare = w_star;
  CounterStream rng{mix64(seed)};
  Prober prober{truth, solver, w_star, probe, shape.misreports, done};
  probe.buyers = probed_buyers(n, shape.buyers, rng);
  std::vector<double> u, v;
  for (int i : probe.buyers) {
    prober.buyer_tried = 0;
    probe.buyer_max_gain.push_back(-std::numeric_limits<double>::infinity());
    expected_rows(in, rho, i, u, v);
    probe_fixed_misreports(prober, i, u, v, M, rng);
    probe_searched_misreports(prober, i, u, v, M, opt, rng);
  }
  return probe;
}

void report_progress(const CheckOptions& opt, double f, const std::string& stage) {
  if (opt.progress) opt.progress(f, stage);
}

/// The mechanism options of the check: delta.exact computed exactly when affordable; throws when
/// delta.exact is requested but is not.
MechanismOptions check_mechanism_options(const Instance& in, const CheckOptions& opt) {
  MechanismOptions mopt = opt.mechanism;
  const bool exact = exact_delta_affordable(in, mopt);
  mopt.compute_exact_delta = exact;
  if (!exact && mopt.delta_mode == DeltaMode::Exact)
    throw InputError("delta.exact solves the assignment on every signal profile and for every stage-1 lie, too much work here "
                     "(MechanismOptions::max_exact_profiles, max_exact_work); set MechanismOptions::delta_mode = "
                     "Theorem1 or Value (stage 1 is then checked against the Theorem 1 condition)");
  return mopt;
}

/// The profiles the mechanism is run on: all of them (exact), else budget_samples seeded samples (cut to the limit).
std::vector<std::vector<int>> evaluated_profiles(const Instance& in, const CheckOptions& opt, bool exact) {
  std::vector<std::vector<int>> evaluated;
  if (exact) {
    evaluated = all_profiles(in);
  } else {
    const int count = budget_profile_count(in, opt);
    for (int k = 0; k < count; ++k) evaluated.push_back(sample_profile(in, opt.seed * 1000003ULL + k));
  }
  return evaluated;
}

/// Stage 1: every lie's gain (delta.exact's G, else the Theorem 1 bound) against its score loss.
void check_stage_one(const Instance& in, const MechanismReport& mech, bool exact, CheckReport& rep) {
  const int n = in.buyers;
  const InformationMeasures& info = mech.measures;
  const double tol = tol::kGainRelative * rep.bound;
  auto& s1 = rep.stage1;
  // sampled measures: the certified D_i bounds, so that a margin >= 0 holds with certainty
  const bool certified = !exact && !info.theorem1_sum_certified.empty();
  const auto& theorem1_sums = certified ? info.theorem1_sum_certified : info.theorem1_sum;
  s1.method = exact ? "exact" : certified ? "theorem1_condition_certified" : "theorem1_condition";
  s1.min_margin = std::numeric_limits<double>::infinity();
  s1.margins.assign(n, {});
  s1.gains.assign(n, {});
  const double factor = (2.0 + n) * (2.0 * n + 1.0) * rep.bound;
  for (int i = 0; i < n; ++i) {
    const int k = in.signals[i];
    s1.margins[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    s1.gains[i].assign(static_cast<std::size_t>(k) * k, 0.0);
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b) {
        if (a == b) continue;
        const std::size_t ab = static_cast<std::size_t>(a) * k + b;
        const double gain = exact ? mech.stage1_gain[i][ab] : factor * theorem1_sums[i][ab];
        const double loss = rep.delta * info.score_gain[i][ab];
        s1.gains[i][ab] = gain;
        s1.margins[i][ab] = loss - gain;
        if (loss - gain < s1.min_margin) {
          s1.min_margin = loss - gain;
          s1.worst = {i, a, b, gain, loss};
        }
      }
  }
  if (!std::isfinite(s1.min_margin)) s1.min_margin = 0.0;  // one signal per buyer: no lie exists
  s1.truthful = s1.min_margin >= -tol;
}

/// Standard error of the mean of x (0 for fewer than two samples).
double standard_error(const std::vector<double>& x) {
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double var = 0.0;
  for (double v : x) var += (v - mean) * (v - mean);
  return x.size() > 1 ? std::sqrt(var / static_cast<double>(x.size() - 1) / static_cast<double>(x.size())) : 0.0;
}

/// Budget and participation over the evaluated profiles (weighted by probability when exact, else
/// uniformly); fills rep.rows.
void check_budget(const Instance& in, const MechanismReport& mech, bool exact, CheckReport& rep) {
  const int n = in.buyers;
  const double tol = tol::kGainRelative * rep.bound;
  auto& bud = rep.budget;
  bud.method = exact ? "exact" : "sampled";
  bud.profiles = mech.profiles.size();
  bud.min_net_utility = std::numeric_limits<double>::infinity();
  bud.max_deficit = -std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> interim(n), interim_mass(n);
  for (int i = 0; i < n; ++i) {
    interim[i].assign(in.signals[i], 0.0);
    interim_mass[i].assign(in.signals[i], 0.0);
  }
  std::vector<double> reward_samples, revenue_samples;
  for (const auto& p : mech.profiles) {
    const double weight = exact ? profile_probability(in, p.profile) : 1.0 / static_cast<double>(mech.profiles.size());
    const double rewards = std::accumulate(p.rewards.begin(), p.rewards.end(), 0.0);
    const double transfers = std::accumulate(p.transfers.begin(), p.transfers.end(), 0.0);
    const double deficit = transfers + rewards;
    bud.expected_rewards += weight * rewards;
    bud.expected_revenue += weight * -transfers;
    if (deficit > tol) bud.deficit_probability += weight;
    bud.expected_deficit += weight * std::max(0.0, deficit);
    bud.max_deficit = std::max(bud.max_deficit, deficit);
    reward_samples.push_back(rewards);
    revenue_samples.push_back(-transfers);
    for (int i = 0; i < n; ++i) {
      const double u = p.payoffs[i] + p.transfers[i] + p.rewards[i];
      bud.min_net_utility = std::min(bud.min_net_utility, u);
      interim[i][p.profile[i]] += weight * u;
      interim_mass[i][p.profile[i]] += weight;
    }
    rep.rows.push_back({p.profile, weight, rewards, -transfers, p.welfare});
  }
  bud.ex_post_ir = bud.min_net_utility >= -tol;
  bud.interim_utility_min.assign(n, std::numeric_limits<double>::infinity());
  for (int i = 0; i < n; ++i)
    for (int a = 0; a < in.signals[i]; ++a)
      if (interim_mass[i][a] > 0) bud.interim_utility_min[i] = std::min(bud.interim_utility_min[i], interim[i][a] / interim_mass[i][a]);
  if (!exact) {
    bud.standard_error_rewards = standard_error(reward_samples);
    bud.standard_error_revenue = standard_error(revenue_samples);
  }
}

/// The mechanism report's profiles probed in stage 2, in task order: the most likely ones (exact: weighted
/// by probability), else the first sampled ones; as many as stage_two_shape allows.
std::vector<std::size_t> probe_order(const Instance& in, const CheckOptions& opt, const MechanismReport& mech, bool exact) {
  std::vector<std::size_t> order(mech.profiles.size());
  std::iota(order.begin(), order.end(), 0);
  if (exact) {
    std::vector<double> probability(mech.profiles.size());
    for (std::size_t k = 0; k < probability.size(); ++k) probability[k] = profile_probability(in, mech.profiles[k].profile);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return probability[a] > probability[b]; });
  }
  order.resize(stage_two_shape(in, opt, exact, order.size()).profiles);
  return order;
}

/// Each probed buyer's largest gain beside its certified bound (stage2_gain_bound + transfer_error_bound +
/// certified_tolerance of the mechanism's outcome at that profile), the gain taken against the mechanism's
/// matching (its welfare W), not the probe's own truthful solve, which a heuristic may end elsewhere.
void compare_with_bounds(const MechanismReport& mech, const std::vector<std::size_t>& order,
                         const std::vector<Probe>& results, StageTwoCheck& s2) {
  s2.certified_gain_bound_max = 0.0;
  for (std::size_t k = 0; k < results.size(); ++k) {
    const ProfileOutcome& p = mech.profiles[order[k]];
    s2.probed_profiles.push_back(p.profile);
    for (std::size_t b = 0; b < results[k].buyers.size(); ++b) {
      const auto i = static_cast<std::size_t>(results[k].buyers[b]);
      const double gain_bound = i < p.stage2_gain_bound.size() ? p.stage2_gain_bound[i] : 0.0;
      const double width = i < p.transfer_error_bound.size() ? p.transfer_error_bound[i] : 0.0;
      const double gain = results[k].buyer_max_gain[b];
      const StageTwoCheck::Pair pair{static_cast<int>(k), static_cast<int>(i), gain,
                                     gain + results[k].truthful_welfare - p.welfare,
                                     gain_bound + width + p.certified_tolerance};
      s2.certified_gain_bound_max = std::max(s2.certified_gain_bound_max, pair.bound);
      s2.pairs.push_back(pair);
      if (pair.mechanism_gain > pair.bound) s2.violations.push_back(pair);
    }
  }
  s2.bounds_hold = s2.violations.empty();
}

/// Stage 2's figures from every probe (task k probed mechanism profile order[k]).
void check_stage_two(const Instance& in, const CheckOptions& opt, const MechanismReport& mech, bool exact,
                     const std::vector<std::size_t>& order, const std::vector<Probe>& results, CheckReport& rep) {
  const std::size_t probes = order.size();
  if (results.size() != probes)
    throw InputError("check_from_mechanism: " + std::to_string(results.size()) + " stage-2 probes, expected " +
                     std::to_string(probes) + " (every task of plan_stage_two, in order)");
  auto& s2 = rep.stage2;
  s2.profiles_probed = static_cast<int>(probes);
  s2.buyers_per_profile = probes ? stage_two_shape(in, opt, exact, probes).buyers
                                 : stage2_buyer_count(in.buyers, opt);
  s2.max_gain = probes ? -std::numeric_limits<double>::infinity() : 0.0;
  for (std::size_t k = 0; k < probes; ++k) {
    s2.misreports_tried += results[k].tried;
    s2.solver_exact = s2.solver_exact && results[k].exact;
    if (results[k].max_gain > s2.max_gain) {
      s2.max_gain = results[k].max_gain;
      s2.worst = {results[k].worst_buyer, mech.profiles[order[k]].profile, results[k].worst_kind, results[k].max_gain};
    }
  }
  compare_with_bounds(mech, order, results, s2);
}

/// The work counted and what the limit cut (report's `work`).
void count_work(const Instance& in, const CheckOptions& opt, const MechanismReport& mech, bool exact, CheckReport& rep) {
  auto& w = rep.work;
  w.limit = opt.work_limit;
  const double probe_solves = static_cast<double>(rep.stage2.misreports_tried + rep.stage2.profiles_probed);
  w.used = budget_work(in, opt, exact) + probe_solves * solve_work(in);
  if (!exact) w.budget_profiles_skipped = static_cast<std::uint64_t>(opt.budget_samples) - mech.profiles.size();
  // of the probes without the limit: stage2_profiles of every profile (exact) or of budget_samples draws
  const std::size_t available = exact ? mech.profiles.size() : static_cast<std::size_t>(opt.budget_samples);
  const std::size_t planned = std::min(available, static_cast<std::size_t>(opt.stage2_profiles));
  w.stage2_misreports_skipped = static_cast<std::int64_t>(planned) * stage2_buyer_count(in.buyers, opt) *
                                    misreports_per_buyer(in, opt) - rep.stage2.misreports_tried;
}

}  // namespace

CheckRun check_mechanism_run(const Instance& in, const CheckOptions& opt) {
  validate(opt);
  CheckRun run;
  run.options = check_mechanism_options(in, opt);
  run.profiles = evaluated_profiles(in, opt, run.options.compute_exact_delta);
  if (opt.progress)  // the mechanism's stages (measures, budget profiles k of K) in the check's first 60 %
    run.options.progress = [progress = opt.progress](double f, const std::string& stage) {
      progress(0.6 * f, "mechanism: " + stage);
    };
  return run;
}

StageTwoPlan plan_stage_two(const Instance& in, const CheckOptions& opt, const MechanismReport& mech) {
  validate(opt);
  const bool exact = check_mechanism_options(in, opt).compute_exact_delta;
  StageTwoPlan plan;
  for (std::size_t k : probe_order(in, opt, mech, exact)) {
    plan.profiles.push_back(mech.profiles[k].profile);
    plan.posteriors.push_back(mech.profiles[k].posterior);
  }
  return plan;
}

std::vector<StageTwoProbe> stage_two_probes(const Instance& in, const CheckOptions& opt, const StageTwoPlan& plan,
                                            TaskRange range) {
  const std::uint64_t tasks = plan.profiles.size();
  if (range.first > tasks || range.count > tasks - range.first || plan.posteriors.size() != tasks)
    throw InputError("TaskRange: [" + std::to_string(range.first) + ", " + std::to_string(range.first + range.count) +
                     ") is outside the " + std::to_string(tasks) + " stage-2 probes of this StageTwoPlan");
  const StageTwoShape shape = stage_two_shape(in, opt, check_mechanism_options(in, opt).compute_exact_delta, tasks);
  std::vector<Probe> results(static_cast<std::size_t>(range.count));
  // progress per misreport: they are the unit of work (a solve each)
  StageProgress steps(opt.progress, 0.6, 0.95, "stage-2 misreports", range.count * static_cast<std::uint64_t>(shape.buyers) *
                                                                         static_cast<std::uint64_t>(shape.misreports));
  const std::function<void()> done = [&] { steps.step(); };
  FirstException errors;
#pragma omp parallel for schedule(dynamic) num_threads(thread_count(opt.mechanism.threads))
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(range.count); ++k)
    errors.run([&] {
      const std::uint64_t task = range.first + static_cast<std::uint64_t>(k);
      results[static_cast<std::size_t>(k)] = probe_profile(in, plan.posteriors[task], opt, shape, opt.seed + 7919ULL * task, done);
    });
  errors.rethrow();
  return results;
}

CheckReport check_from_mechanism(const Instance& in, const CheckOptions& opt, const MechanismReport& mech) {
  const StageTwoPlan plan = plan_stage_two(in, opt, mech);
  return check_from_mechanism(in, opt, mech, stage_two_probes(in, opt, plan, {0, plan.profiles.size()}));
}

CheckReport check_from_mechanism(const Instance& in, const CheckOptions& opt, const MechanismReport& mech,
                                 const std::vector<StageTwoProbe>& probes) {
  validate(opt);
  const auto start = std::chrono::steady_clock::now();
  CheckReport rep;
  rep.instance = in.name;
  rep.bound = in.effective_bound();
  const MechanismOptions mopt = check_mechanism_options(in, opt);
  const bool exact = mopt.compute_exact_delta;
  rep.delta = mech.delta_used;
  rep.delta_source = to_string(mech.delta_source);
  rep.delta_exact = mech.delta_exact;
  rep.delta_theorem1 = mech.delta_theorem1;
  rep.informational_size = mech.informational_size;
  rep.backend = mech.backend;
  report_progress(opt, 0.95, "stage 1 and budget");
  check_stage_one(in, mech, exact, rep);
  check_budget(in, mech, exact, rep);
  check_stage_two(in, opt, mech, exact, probe_order(in, opt, mech, exact), probes, rep);
  count_work(in, opt, mech, exact, rep);
  report_progress(opt, 1.0, "done");
  rep.seconds = mech.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rep;
}

CheckReport check_incentives(const Instance& in, const CheckOptions& opt) {
  const CheckRun run = check_mechanism_run(in, opt);
  return check_from_mechanism(in, opt, run_mechanism(in, run.profiles, run.options));
}

}  // namespace ivassign
