// src/posterior/table.hpp — building blocks of the one profile table (ivassign::PosteriorTable)
// for every source of a prior: the assignment instance (posterior_table.cpp) and the social
// model's type and signal priors (src/social/model.cpp).
#pragma once
#include <vector>

#include "ivassign/posterior.hpp"

namespace ivassign {

/// signals, strides and profiles of a table over prod_i K_i profiles.
void set_profile_axes(PosteriorTable& table, const std::vector<int>& signals);
/// P_i(b_i) of every buyer from the table's marginal P(b).
void fill_signal_marginals(PosteriorTable& table);

}  // namespace ivassign
