// The foundation papers' examples as ivassign-social/1 problems (see include/ivassign/social.hpp).
#include <cmath>
#include <sstream>

#include "common/random.hpp"
#include "ivassign/error.hpp"
#include "ivassign/social.hpp"

namespace ivassign {

namespace {

std::string fmt(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

/// `name` (a SocialAuctionOptions field or a generator's parameter) must lie in [lo, hi].
void check_range(const std::string& name, double v, double lo, double hi, const std::string& command) {
  if (!(v >= lo && v <= hi))
    throw InputError("generate social " + command + ": " + name + " = " + fmt(v) + " is out of range [" + fmt(lo) +
                     ", " + fmt(hi) + "]");
}

/// Values by profile for two or more agents with types on a grid of g points in [0, 1]: one
/// outcome besides the status quo, value(i, s) at it.
template <class Value>
SocialProblem grid_problem(int agents, int grid, const std::vector<std::string>& outcomes, Value value) {
  SocialProblem p;
  p.agents = agents;
  p.types.assign(static_cast<std::size_t>(agents), grid);
  p.outcomes = static_cast<int>(outcomes.size());
  p.outcome_names = outcomes;
  p.status_quo = 0;
  p.values_form = SocialProblem::Values::ByProfile;
  p.prior_form = SocialProblem::Prior::Uniform;
  const std::uint64_t T = p.profiles();
  std::vector<double> s(static_cast<std::size_t>(agents));
  p.values.reserve(T * static_cast<std::uint64_t>(agents) * 2);
  for (std::uint64_t t = 0; t < T; ++t) {
    std::uint64_t rest = t;
    for (int i = agents; i-- > 0;) {
      s[static_cast<std::size_t>(i)] =
          static_cast<double>(rest % static_cast<std::uint64_t>(grid)) / static_cast<double>(grid - 1);
      rest /= static_cast<std::uint64_t>(grid);
    }
    for (int i = 0; i < agents; ++i) {
      p.values.push_back(0.0);
      p.values.push_back(value(i, s));
    }
  }
  return p;
}

}  // namespace

SocialProblem generate_social_auction(const SocialAuctionOptions& o) {
  const std::string cmd = "auction";
  check_range("SocialAuctionOptions::agents", o.agents, 1, 16, cmd);
  check_range("SocialAuctionOptions::states", o.states, 1, 16, cmd);
  check_range("SocialAuctionOptions::utility_types", o.utility_types, 1, 16, cmd);
  check_range("SocialAuctionOptions::rho", o.rho, 0.0, 1.0, cmd);
  if (o.states == 1 && o.rho != 1.0)
    throw InputError("generate social auction: SocialAuctionOptions::rho must be 1 with one state (the signal is the "
                     "state)");
  check_range("SocialAuctionOptions::max_value", o.max_value, 0.0, 1e12, cmd);
  const int n = o.agents, m = o.states, U = o.utility_types, K = m * U;
  const auto un = static_cast<std::size_t>(n), um = static_cast<std::size_t>(m), uU = static_cast<std::size_t>(U);
  std::vector<double> w = o.utilities;
  if (w.empty()) {
    SplitMix64 rng{o.seed * 0x2545F4914F6CDD1DULL + 29};
    for (std::size_t k = 0; k < un * um * uU; ++k) w.push_back(std::round(rng.uniform() * o.max_value * 1e3) / 1e3);
  } else if (w.size() != un * um * uU) {
    throw InputError("generate social auction: SocialAuctionOptions::utilities has " + std::to_string(w.size()) +
                     " numbers, expected agents * states * utility_types = " + std::to_string(un * um * uU));
  }
  for (std::size_t k = 0; k < w.size(); ++k)
    if (!(w[k] >= 0.0 && std::isfinite(w[k])))
      throw InputError("generate social auction: SocialAuctionOptions::utilities entry " + std::to_string(k) + " = " +
                       fmt(w[k]) + " must be a finite number >= 0");

  SocialProblem p;
  p.name = "auction-rho" + fmt(o.rho) + "-u" + std::to_string(U) + "-s" + std::to_string(o.seed);
  p.agents = n;
  p.types.assign(un, K);
  p.outcomes = n + 1;
  p.outcome_names.push_back("unsold");
  for (int i = 0; i < n; ++i) p.outcome_names.push_back("agent " + std::to_string(i));
  p.status_quo = 0;
  p.states = m;
  p.values_form = SocialProblem::Values::ByState;
  const auto uC = static_cast<std::size_t>(n + 1);
  for (std::size_t i = 0; i < un; ++i) {
    p.value_offset.push_back(p.values.size());
    for (std::size_t s = 0; s < um; ++s)
      for (std::size_t t = 0; t < static_cast<std::size_t>(K); ++t)
        for (std::size_t c = 0; c < uC; ++c)
          p.values.push_back(c == i + 1 ? w[(i * um + s) * uU + t % uU] : 0.0);
  }
  // P(theta, t) = 1/m prod_i q(signal_i | theta) / U
  p.prior_form = SocialProblem::Prior::Joint;
  const std::uint64_t T = p.profiles();
  p.prior_joint.assign(static_cast<std::size_t>(m) * T, 0.0);
  const double wrong = m > 1 ? (1.0 - o.rho) / (m - 1) : 0.0;
  for (int s = 0; s < m; ++s)
    for (std::uint64_t t = 0; t < T; ++t) {
      double v = 1.0 / m;
      std::uint64_t rest = t;
      for (int i = n; i-- > 0;) {
        const int type = static_cast<int>(rest % static_cast<std::uint64_t>(K));
        rest /= static_cast<std::uint64_t>(K);
        v *= (type / U == s ? o.rho : wrong) / U;
      }
      p.prior_joint[static_cast<std::uint64_t>(s) * T + t] = v;
    }
  p.signal.assign(un, {});
  for (std::size_t i = 0; i < un; ++i)
    for (int t = 0; t < K; ++t) p.signal[i].push_back(t / U);
  validate_social_problem(p);
  return p;
}

SocialProblem generate_social_exchange(double r) {
  check_range("r", r, 0.0, 1.0, "exchange");
  if (r == 1.0) throw InputError("generate social exchange: r = 1 gives types of probability 0; use r < 1");
  SocialProblem p;
  p.name = "exchange-r" + fmt(r);
  p.agents = 3;
  p.types = {2, 2, 2};
  p.outcome_names = {"no trade", "trade, state-1 prices", "trade, state-2 prices"};
  p.outcomes = 3;
  p.states = 2;
  p.values_form = SocialProblem::Values::ByState;
  const double good[2] = {-20.0, -4.0};  // what a B agent gives up, per state
  for (int i = 0; i < 3; ++i) {
    p.value_offset.push_back(p.values.size());
    for (int s = 0; s < 2; ++s)
      for (int t = 0; t < 2; ++t) {
        p.values.push_back(0.0);
        p.values.push_back(good[s]);
        p.values.push_back(good[s]);
      }
  }
  p.prior_form = SocialProblem::Prior::Joint;
  const double right = (1.0 + r) / 2.0, wrong = (1.0 - r) / 2.0;
  for (int s = 0; s < 2; ++s)
    for (int t = 0; t < 8; ++t) {
      double v = 0.5;
      for (int i = 0; i < 3; ++i) v *= ((t >> (2 - i)) & 1) == s ? right : wrong;
      p.prior_joint.push_back(v);
    }
  // majority alpha (type 0) -> trade at the state-1 prices; payments by own announcement
  p.has_mechanism = true;
  for (int t = 0; t < 8; ++t) {
    int alphas = 0;
    for (int i = 0; i < 3; ++i) alphas += ((t >> (2 - i)) & 1) == 0;
    const int outcome = alphas >= 2 ? 1 : 2;
    p.mechanism_outcome.push_back(outcome);
    for (int i = 0; i < 3; ++i) {
      const bool alpha = ((t >> (2 - i)) & 1) == 0;
      p.mechanism_transfers.push_back(outcome == 1 ? (alpha ? 22.0 : 21.0) : (alpha ? 5.0 : 6.0));
    }
  }
  validate_social_problem(p);
  return p;
}

SocialProblem generate_social_trade(double a, int grid) {
  check_range("a", a, -1e6, 1e6, "trade");
  check_range("grid", grid, 2, 4096, "trade");
  SocialProblem p = grid_problem(2, grid, {"no trade", "trade"}, [a](int i, const std::vector<double>& s) {
    return i == 0 ? s[0] + a * s[1] : -(s[1] + a * s[0]);
  });
  p.name = "trade-a" + fmt(a) + "-g" + std::to_string(grid);
  validate_social_problem(p);
  return p;
}

SocialProblem generate_social_public_good(int agents, double a, int grid, double cost) {
  check_range("agents", agents, 1, 12, "public-good");
  check_range("a", a, -1e6, 1e6, "public-good");
  check_range("grid", grid, 2, 4096, "public-good");
  check_range("cost", cost, 0.0, 1e12, "public-good");
  double profiles = 1.0;
  for (int i = 0; i < agents; ++i) profiles *= grid;
  if (profiles > 1e7)
    throw InputError("generate social public-good: grid^agents = " + fmt(profiles) + " profiles; at most 1e7");
  SocialProblem p = grid_problem(agents, grid, {"no provision", "provision"}, [&](int i, const std::vector<double>& s) {
    double others = 0.0;
    for (int j = 0; j < agents; ++j)
      if (j != i) others += s[static_cast<std::size_t>(j)];
    const double mean = agents > 1 ? others / (agents - 1) : 0.0;
    return s[static_cast<std::size_t>(i)] + a * mean - cost / agents;
  });
  p.name = "public-good-n" + std::to_string(agents) + "-a" + fmt(a) + "-g" + std::to_string(grid) + "-c" + fmt(cost);
  validate_social_problem(p);
  return p;
}

}  // namespace ivassign
