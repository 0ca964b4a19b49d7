// ivassign/instance.hpp — an assignment market with interdependent valuations and externalities.
//
// The in-memory form of the `ivassign/1` file (shared spec instance-format.md): m states theta,
// n buyers i, s sellers j, buyer i observes a signal b_i in 0..K_i-1, the prior P(theta, b) is
// public; u_ij(theta) are valuations, v_ij(theta) public seller costs and c_ij^pq(theta) the cost to
// buyer i (matched with j) when buyer p is matched with q (Section 2 of the assignment paper).
// Arrays are flat, C order, outermost index first, exactly as the JSON nests them.
//
//   ivassign::Instance inst = ivassign::load_instance("examples/spectrum-small.json");
//   ivassign::validate(inst);             // also called by the loader; for instances built in code
//   double M = inst.effective_bound();    // `bound`, or the largest u, v, c
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ivassign {

/// The prior P(theta, b) in one of the three forms of the spec.
struct Prior {
  enum class Form {
    Joint,      ///< `joint`: m * prod K_i positive numbers, theta slowest, b_n fastest
    Symmetric,  ///< `lambda` + `q`: P = lambda(theta) prod_i q[theta][b_i], one alphabet K
    PerBuyer    ///< `lambda` + `q_per_buyer`: P = lambda(theta) prod_i q_i[theta][b_i]
  };
  Form form = Form::Joint;
  std::vector<double> joint;   ///< Joint form only, size m * prod K_i
  std::vector<double> lambda;  ///< conditionally independent forms: P(theta), size m
  /// conditionally independent forms: q_i(b_i | theta), buyer i's block is m * K_i (theta slowest).
  /// For the Symmetric form every buyer holds a copy of the shared `q`.
  std::vector<std::vector<double>> q;

  bool conditionally_independent() const { return form != Form::Joint; }
};

/// The externality costs c_ij^pq(theta) >= 0 in one of the three forms of the spec.
struct Externalities {
  enum class Form { None, Dense, Sparse, Factored };
  struct Entry {
    int theta, i, j, p, q;
    double value;
  };
  Form form = Form::None;
  std::vector<double> dense;   ///< Dense: m*n*s*n*s, zero where p == i or q == j
  std::vector<Entry> sparse;   ///< Sparse: absent entries are 0, keys unique
  std::vector<double> buyer;   ///< Factored: m*n*n, c = buyer[theta][i][p] * seller[theta][j][q]
  std::vector<double> seller;  ///< Factored: m*s*s
};

/// Where the licences lie, for drawing a market (the optional `geometry` block of the file). Every
/// computation ignores it. Each vector has one entry per seller j when present.
struct Geometry {
  std::vector<int> region;         ///< the region index of licence j (>= 0; several licences may share one)
  std::vector<double> x, y;        ///< map coordinates of licence j (finite; any unit, y grows downwards)
  std::vector<double> population;  ///< the population licence j covers (finite, >= 0; the generator: millions)
};

struct Instance {
  std::string name;
  int states = 0;   ///< m
  int buyers = 0;   ///< n
  int sellers = 0;  ///< s
  std::vector<int> signals;  ///< K_i, size n
  Prior prior;
  std::vector<double> valuations;  ///< u_ij(theta), m*n*s
  std::vector<double> costs;       ///< v_ij(theta), m*n*s
  Externalities externalities;
  std::optional<double> bound;     ///< M as given in the file
  std::vector<int> observed;       ///< a realized profile, empty when absent
  std::optional<Geometry> geometry;  ///< the licences' map when given; ignored by every computation

  /// M: `bound` when given, else the largest entry of u, v and c.
  double effective_bound() const;
  /// prod_i K_i; throws InputError when it does not fit in 64 bits.
  std::uint64_t profile_count() const;
  /// prod_i K_i, or UINT64_MAX when it does not fit in 64 bits (conditionally independent priors
  /// may have astronomically many profiles: they never need the count).
  std::uint64_t profile_count_saturated() const;
  std::size_t value_index(int theta, int i, int j) const {
    return (static_cast<std::size_t>(theta) * buyers + i) * sellers + j;
  }
};

/// Checks every rule of instance-format.md that does not concern JSON syntax (sizes, lengths,
/// probabilities that sum to 1 with full support, non-negative finite values, zero self
/// externalities, unique sparse keys, indices in range, `observed` in range, `geometry`: one entry
/// per seller, finite coordinates, populations >= 0, regions >= 0). Throws InputError
/// naming the key, the index and the rule.
void validate(const Instance& instance);

/// Throws InputError unless `profile` has n signals, each in range.
void check_profile(const std::vector<int>& signals, const std::vector<int>& profile);

/// Flat C-order index of a signal profile (b_1 slowest, b_n fastest) and back.
std::uint64_t profile_index(const std::vector<int>& signals, const std::vector<int>& profile);
std::vector<int> profile_from_index(const std::vector<int>& signals, std::uint64_t index);

}  // namespace ivassign
