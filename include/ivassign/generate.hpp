// ivassign/generate.hpp — realistic spectrum-licence instances and QAPLIB conversion.
//
// generate_spectrum(): `s` licences on a square map of regions (populations from a Pareto law, so a
// few metropolitan licences dominate; 4-neighbour adjacency), `n` firms (national ones covering the
// whole map and regional ones with a connected footprint, each with a lognormal value scale, its
// "budget"), `m` demand states with a conditionally independent signal model (each firm's market
// research reports the state correctly with its own accuracy). Valuations are population covered
// times a firm- and state-specific value per head (outside the footprint at a discount); seller
// costs are reserve prices; interference is the factored externality
// c_ij^pq(theta) = buyer[theta][i][p] * seller[theta][j][q]: rival p's strength against i times the
// proximity of licences j and q (adjacent regions, and with `density` > 0 also two steps apart).
// Deterministic for a seed (own transforms of a 64-bit generator, no library distributions).
//
//   ivassign::SpectrumOptions o;  o.buyers = 50;  o.licences = 200;
//   ivassign::Instance inst = ivassign::generate_spectrum(o);
#pragma once
#include <cstdint>
#include <string>

#include "ivassign/instance.hpp"
#include "ivassign/solvers.hpp"

namespace ivassign {

struct SpectrumOptions {
  int buyers = 20;              ///< firms n, 1 .. 100000
  int licences = 40;            ///< licences s, 1 .. 100000
  int states = 3;               ///< demand states m (low .. high), 1 .. 64
  int signals = 0;              ///< signal alphabet K per firm; 0: = states
  double national_share = 0.15; ///< share of national firms, [0, 1]
  double accuracy_min = 0.55;   ///< each firm's signal accuracy is uniform in [accuracy_min, accuracy_max]
  double accuracy_max = 0.85;
  bool symmetric_signals = false;  ///< one signal technology for all firms (prior lambda + q)
  double interference = 0.05;   ///< scale of the externality relative to a licence's value
  double density = 0.0;         ///< probability that two licences two steps apart also interfere, [0, 1]
  double reserve = 0.25;        ///< reserve price as a share of the average value per head
  std::uint64_t seed = 1;
  int observed_seed_offset = 0; ///< the `observed` profile is drawn from the prior with seed + this
};

/// Validates the options (InputError naming the option and its range) and generates the instance.
Instance generate_spectrum(const SpectrumOptions& options);

/// A QAPLIB instance as an `ivassign/1` instance: one state, one signal per buyer, facilities as
/// buyers and locations as sellers, u_ij = `constant`, v_ij = a_ii b_jj, factored externalities
/// c_ij^pq = a_ip b_jq. `constant` (> 2 n max a max b + max a_ii b_jj) makes every complete matching
/// beat every partial one, so welfare(permutation) = n * constant - QAP objective(permutation).
/// InputError when an entry of a or b is negative (the format needs non-negative costs).
Instance qap_as_instance(const QapInstance& qap, double* constant = nullptr);

}  // namespace ivassign
